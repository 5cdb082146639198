package io.tributary.bench;

/**
 * One round of {@code bench ingest}: each phase once, in the same order every round, so that the
 * rounds alternate the phases over the run's time on a shared machine.
 *
 * @param producer the raw Kafka producer
 * @param writer the raw Iceberg writer
 * @param endToEnd HTTP to committed rows
 * @param delivery Tributary's delivery of the peer topic
 * @param connect the Kafka Connect Iceberg sink's delivery of the same topic
 */
record IngestRound(
    Phase producer,
    Phase writer,
    EndToEndLoad.Result endToEnd,
    Phase delivery,
    ConnectPeer.Result connect) {
  /**
   * What producing and writing alone would reach sharing these cores, each event taking the time of
   * both: {@code 1 / (1/P + 1/W)}.
   */
  double pipelineBound() {
    return 1 / (1 / producer.rate() + 1 / writer.rate());
  }

  /** End-to-end CPU per event over that of producing it plus writing it. */
  double cpuVsProducerPlusWriter() {
    return endToEnd.phase().cpuMicrosPerEvent()
        / (producer.cpuMicrosPerEvent() + writer.cpuMicrosPerEvent());
  }

  double connectWorkerCpuMicrosPerRow() {
    return connect.workerCpuNanos() / 1e3 / connect.phase().events();
  }
}
