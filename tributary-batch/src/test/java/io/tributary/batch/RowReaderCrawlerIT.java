package io.tributary.batch;

/** Every crawler test again with every file loaded by the Java row reader. */
class RowReaderCrawlerIT extends CrawlerIT {
  @Override
  Crawlers.LoadPath loadPath() {
    return Crawlers.LoadPath.ROW_READER;
  }
}
