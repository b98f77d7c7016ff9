package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.bg.BulgarianAnalyzer;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.ca.CatalanAnalyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.ckb.SoraniAnalyzer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.cz.CzechAnalyzer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.et.EstonianAnalyzer;
import org.apache.lucene.analysis.eu.BasqueAnalyzer;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.ga.IrishAnalyzer;
import org.apache.lucene.analysis.gl.GalicianAnalyzer;
import org.apache.lucene.analysis.hi.HindiAnalyzer;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.hy.ArmenianAnalyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.lt.LithuanianAnalyzer;
import org.apache.lucene.analysis.lv.LatvianAnalyzer;
import org.apache.lucene.analysis.ne.NepaliAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.sr.SerbianAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.ta.TamilAnalyzer;
import org.apache.lucene.analysis.te.TeluguAnalyzer;
import org.apache.lucene.analysis.th.ThaiAnalyzer;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;

/**
 * The analyzers a text index can be built with, by name: {@code standard} (Unicode word breaks,
 * lower case, no stop words), {@code simple} (letters only, lower case), {@code whitespace} (split
 * on white space, nothing else: for text tokenised before it is stored) and the language analyzers
 * of Lucene's analysis-common ({@code english}, {@code german}, {@code french}, ...: stop words and
 * a stemmer).
 *
 * <pre>{@code
 * Analyzer a = TextAnalyzers.forName("english");
 * }</pre>
 */
public final class TextAnalyzers {
  /** The analyzer of a text index built without one. */
  public static final String DEFAULT = "standard";

  private static final Map<String, Supplier<Analyzer>> BY_NAME = new TreeMap<>();

  static {
    BY_NAME.put("standard", StandardAnalyzer::new);
    BY_NAME.put("simple", SimpleAnalyzer::new);
    BY_NAME.put("whitespace", WhitespaceAnalyzer::new);
    BY_NAME.put("arabic", ArabicAnalyzer::new);
    BY_NAME.put("armenian", ArmenianAnalyzer::new);
    BY_NAME.put("basque", BasqueAnalyzer::new);
    BY_NAME.put("bengali", BengaliAnalyzer::new);
    BY_NAME.put("brazilian", BrazilianAnalyzer::new);
    BY_NAME.put("bulgarian", BulgarianAnalyzer::new);
    BY_NAME.put("catalan", CatalanAnalyzer::new);
    BY_NAME.put("cjk", CJKAnalyzer::new);
    BY_NAME.put("czech", CzechAnalyzer::new);
    BY_NAME.put("danish", DanishAnalyzer::new);
    BY_NAME.put("dutch", DutchAnalyzer::new);
    BY_NAME.put("english", EnglishAnalyzer::new);
    BY_NAME.put("estonian", EstonianAnalyzer::new);
    BY_NAME.put("finnish", FinnishAnalyzer::new);
    BY_NAME.put("french", FrenchAnalyzer::new);
    BY_NAME.put("galician", GalicianAnalyzer::new);
    BY_NAME.put("german", GermanAnalyzer::new);
    BY_NAME.put("greek", GreekAnalyzer::new);
    BY_NAME.put("hindi", HindiAnalyzer::new);
    BY_NAME.put("hungarian", HungarianAnalyzer::new);
    BY_NAME.put("indonesian", IndonesianAnalyzer::new);
    BY_NAME.put("irish", IrishAnalyzer::new);
    BY_NAME.put("italian", ItalianAnalyzer::new);
    BY_NAME.put("latvian", LatvianAnalyzer::new);
    BY_NAME.put("lithuanian", LithuanianAnalyzer::new);
    BY_NAME.put("nepali", NepaliAnalyzer::new);
    BY_NAME.put("norwegian", NorwegianAnalyzer::new);
    BY_NAME.put("persian", PersianAnalyzer::new);
    BY_NAME.put("portuguese", PortugueseAnalyzer::new);
    BY_NAME.put("romanian", RomanianAnalyzer::new);
    BY_NAME.put("russian", RussianAnalyzer::new);
    BY_NAME.put("serbian", SerbianAnalyzer::new);
    BY_NAME.put("sorani", SoraniAnalyzer::new);
    BY_NAME.put("spanish", SpanishAnalyzer::new);
    BY_NAME.put("swedish", SwedishAnalyzer::new);
    BY_NAME.put("tamil", TamilAnalyzer::new);
    BY_NAME.put("telugu", TeluguAnalyzer::new);
    BY_NAME.put("thai", ThaiAnalyzer::new);
    BY_NAME.put("turkish", TurkishAnalyzer::new);
  }

  private TextAnalyzers() {}

  /** The known analyzer names, sorted. */
  public static java.util.Set<String> known() {
    return java.util.Collections.unmodifiableSet(BY_NAME.keySet());
  }

  /**
   * Checks a name and returns it normalised (lower case; null means {@value #DEFAULT}).
   *
   * @throws LakebeamException INVALID_ARGUMENT naming the known analyzers
   */
  public static String check(String name) {
    String n =
        name == null || name.isBlank() ? DEFAULT : name.trim().toLowerCase(java.util.Locale.ROOT);
    if (!BY_NAME.containsKey(n)) {
      throw LakebeamException.invalid(
          "Cannot use analyzer '%s': known analyzers are %s", name, String.join(", ", known()));
    }
    return n;
  }

  /** A new analyzer of that name (analyzers hold per-thread state: one per index is fine). */
  public static Analyzer forName(String name) {
    return BY_NAME.get(check(name)).get();
  }
}
