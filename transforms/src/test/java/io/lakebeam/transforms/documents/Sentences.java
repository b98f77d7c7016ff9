package io.lakebeam.transforms.documents;

import java.util.Random;

/** Seeded, readable English-like paragraphs for test documents. */
final class Sentences {
  private static final String[] SUBJECTS = {
    "The lakehouse", "A snapshot", "The vector index", "Each pipeline", "The catalog", "A runner"
  };
  private static final String[] VERBS = {
    "stores", "commits", "reads", "refreshes", "embeds", "keeps"
  };
  private static final String[] OBJECTS = {
    "every chunk of text",
    "the document versions",
    "new data files",
    "the embeddings",
    "position deletes",
    "the table metadata"
  };

  private Sentences() {}

  static String paragraph(Random random) {
    StringBuilder p = new StringBuilder();
    int sentences = 3 + random.nextInt(4);
    for (int i = 0; i < sentences; i++) {
      p.append(SUBJECTS[random.nextInt(SUBJECTS.length)])
          .append(' ')
          .append(VERBS[random.nextInt(VERBS.length)])
          .append(' ')
          .append(OBJECTS[random.nextInt(OBJECTS.length)])
          .append(". ");
    }
    return p.toString().strip();
  }
}
