package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * The members of every duplicate group, by rank: the rank of the group's kept row and the member's
 * best verified similarity. Rows absent from it have no duplicates. Immutable once built.
 */
final class DuplicateTable implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** A member's group (kept row's rank) and its best similarity to another member. */
  record Member(String canonicalRank, double similarity) implements java.io.Serializable {}

  private final HashMap<String, Member> members;
  private final boolean overflow;

  DuplicateTable(HashMap<String, Member> members, boolean overflow) {
    this.members = members;
    this.overflow = overflow;
  }

  /** A table that could not be built in memory: the groups had too many members. */
  static DuplicateTable overflowing() {
    return new DuplicateTable(new HashMap<>(), true);
  }

  /** Whether the groups had too many members to hold in memory (the table is then empty). */
  boolean overflow() {
    return overflow;
  }

  /** The member of this rank, or null when the row has no duplicates. */
  Member get(String rank) {
    return members.get(rank);
  }

  int size() {
    return members.size();
  }

  /** The number of groups (members that are their group's kept row). */
  long groups() {
    return members.entrySet().stream()
        .filter(e -> e.getKey().equals(e.getValue().canonicalRank()))
        .count();
  }

  static final class Coder extends AtomicCoder<DuplicateTable> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(DuplicateTable value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.overflow ? -1 : value.members.size(), out);
      DataOutputStream data = new DataOutputStream(out);
      for (Map.Entry<String, Member> e : value.members.entrySet()) {
        StringUtf8Coder.of().encode(e.getKey(), out);
        StringUtf8Coder.of().encode(e.getValue().canonicalRank(), out);
        data.writeDouble(e.getValue().similarity());
        data.flush();
      }
    }

    @Override
    public DuplicateTable decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      if (n < 0) {
        return overflowing();
      }
      DataInputStream data = new DataInputStream(in);
      HashMap<String, Member> members = HashMap.newHashMap(n);
      for (int i = 0; i < n; i++) {
        String rank = StringUtf8Coder.of().decode(in);
        String canonical = StringUtf8Coder.of().decode(in);
        members.put(rank, new Member(canonical, data.readDouble()));
      }
      return new DuplicateTable(members, false);
    }
  }
}
