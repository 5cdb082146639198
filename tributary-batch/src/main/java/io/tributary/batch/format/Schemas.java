package io.tributary.batch.format;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/** Schema helpers. */
final class Schemas {
  private Schemas() {}

  /** A schema of {@code struct}'s fields with fresh ids from 1. */
  static Schema fresh(Types.StructType struct) {
    AtomicInteger ids = new AtomicInteger();
    Type fresh = TypeUtil.assignFreshIds(struct, ids::incrementAndGet);
    return new Schema(fresh.asStructType().fields());
  }
}
