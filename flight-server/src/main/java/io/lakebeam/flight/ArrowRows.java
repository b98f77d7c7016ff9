package io.lakebeam.flight;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Writes Java values (Iceberg generic or internal representation) into Arrow vectors, and reads
 * Arrow values back as Java objects.
 */
final class ArrowRows {
  private ArrowRows() {}

  /** Sets row {@code i} of a vector; the caller sets value counts at the end of the batch. */
  static void set(FieldVector v, int i, Object value) {
    if (value == null) {
      if (v instanceof ListVector lv) {
        lv.setNull(i);
      } else {
        setNull(v, i);
      }
      return;
    }
    if (v instanceof VarCharVector s) {
      s.setSafe(i, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (v instanceof IntVector iv) {
      iv.setSafe(i, ((Number) value).intValue());
    } else if (v instanceof BigIntVector bv) {
      bv.setSafe(i, ((Number) value).longValue());
    } else if (v instanceof Float4Vector fv) {
      fv.setSafe(i, ((Number) value).floatValue());
    } else if (v instanceof Float8Vector dv) {
      dv.setSafe(i, ((Number) value).doubleValue());
    } else if (v instanceof BitVector b) {
      b.setSafe(i, ((Boolean) value) ? 1 : 0);
    } else if (v instanceof DateDayVector d) {
      d.setSafe(
          i,
          value instanceof LocalDate ld
              ? DateTimeUtil.daysFromDate(ld)
              : ((Number) value).intValue());
    } else if (v instanceof TimeStampVector t) {
      long micros;
      if (value instanceof LocalDateTime ldt) {
        micros = DateTimeUtil.microsFromTimestamp(ldt);
      } else if (value instanceof OffsetDateTime odt) {
        micros = DateTimeUtil.microsFromTimestamptz(odt);
      } else {
        micros = ((Number) value).longValue();
      }
      t.setSafe(i, micros);
    } else if (v instanceof VarBinaryVector bin) {
      byte[] bytes;
      if (value instanceof ByteBuffer bb) {
        bytes = new byte[bb.remaining()];
        bb.duplicate().get(bytes);
      } else {
        bytes = (byte[]) value;
      }
      bin.setSafe(i, bytes);
    } else if (v instanceof ListVector lv) {
      UnionListWriter w = lv.getWriter();
      w.setPosition(i);
      w.startList();
      if (value instanceof float[] fa) {
        for (float x : fa) {
          w.float4().writeFloat4(x);
        }
      } else {
        for (Object x : (List<?>) value) {
          if (x == null) {
            w.float4().writeNull();
          } else {
            w.float4().writeFloat4(((Number) x).floatValue());
          }
        }
      }
      w.endList();
    } else {
      throw new IllegalStateException("Cannot write " + value.getClass() + " into " + v.getClass());
    }
  }

  private static void setNull(FieldVector v, int i) {
    if (v instanceof org.apache.arrow.vector.BaseFixedWidthVector f) {
      f.setNull(i);
    } else if (v instanceof org.apache.arrow.vector.BaseVariableWidthVector b) {
      b.setNull(i);
    }
  }
}
