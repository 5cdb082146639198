package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.access.audit.AuditEvent;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's overflow: an append-only file of events (one JSON object a line, each append
 * fsynced) for when the lake cannot take them and the memory buffer is full. Read back in order
 * from a read offset; once every line is read back the file is truncated. A line torn by a crash is
 * closed on open and skipped (logged) when read. Not thread-safe: the audit log serializes calls.
 */
final class AuditSpill implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSpill.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Events read back, and the offset just after them. */
  record Batch(List<AuditEvent> events, long end) {
    Batch {
      events = List.copyOf(events);
    }
  }

  private final Path file;
  private FileChannel channel;
  private long readOffset;

  /** Opens (or creates) {@code file}; events it holds are read back first. */
  AuditSpill(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      channel = open(file);
      long size = channel.size();
      if (size > 0) {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        if (last.get(0) != '\n') {
          write(new byte[] {'\n'}); // a line torn by a crash ends here
        }
        LOG.info("{} audit events wait in {} for the lake", lines(), file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the audit spill file " + file, e);
    }
  }

  private static FileChannel open(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /**
   * Puts {@code older} ahead of the events not read back yet (a new file, fsynced, moved over the
   * old one atomically).
   */
  void prepend(List<AuditEvent> older) {
    if (older.isEmpty()) {
      return;
    }
    Path next = file.resolveSibling(file.getFileName() + ".next");
    try (FileChannel out =
        FileChannel.open(
            next,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      for (AuditEvent event : older) {
        ByteBuffer line = ByteBuffer.wrap(line(event));
        while (line.hasRemaining()) {
          out.write(line);
        }
      }
      channel.transferTo(readOffset, channel.size() - readOffset, out);
      out.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + next, e);
    }
    try {
      channel.close();
      Files.move(
          next,
          file,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      channel = open(file);
      readOffset = 0;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot replace " + file, e);
    }
  }

  private long lines() throws IOException {
    try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.count();
    }
  }

  /** Whether every event written has been read back. */
  boolean isEmpty() {
    try {
      return readOffset >= channel.size();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of " + file, e);
    }
  }

  /**
   * Appends {@code event} and forces it to disk.
   *
   * @throws UncheckedIOException if it cannot be written
   */
  void append(AuditEvent event) {
    try {
      write(line(event));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append an audit event to " + file, e);
    }
  }

  private static byte[] line(AuditEvent event) throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("time", event.time().toString());
    line.put("principal", event.principal());
    line.put("action", event.action());
    line.put("resource", event.resource());
    line.put("outcome", event.outcome().name());
    line.put("client_address", event.clientAddress());
    line.put("detail", event.detail());
    return (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long at = channel.size();
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
    channel.force(false);
  }

  /** Up to {@code max} events from the read offset, in the order they were appended. */
  Batch peek(int max) {
    List<AuditEvent> events = new ArrayList<>();
    long offset = readOffset;
    long size;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      size = channel.size();
      in.skipNBytes(readOffset);
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (events.size() < max && offset < size) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        offset++;
        if (b != '\n') {
          line.write(b);
          continue;
        }
        parse(line.toString(StandardCharsets.UTF_8)).ifPresent(events::add);
        line.reset();
      }
      if (line.size() > 0) {
        offset -= line.size(); // an incomplete line: read it next time
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the audit spill file " + file, e);
    }
    return new Batch(events, offset);
  }

  private java.util.Optional<AuditEvent> parse(String line) {
    if (line.isBlank()) {
      return java.util.Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(line);
      return java.util.Optional.of(
          new AuditEvent(
              Instant.parse(node.path("time").asText()),
              node.path("principal").asText(),
              node.path("action").asText(),
              node.path("resource").asText(),
              AuditEvent.Outcome.valueOf(node.path("outcome").asText().toUpperCase(Locale.ROOT)),
              node.path("client_address").asText(),
              node.path("detail").asText()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Skipping an unreadable line of {} (torn by a crash?): {}", file, e.getMessage());
      return java.util.Optional.empty();
    }
  }

  /** The events up to {@code end} reached the lake; truncates the file once all have. */
  void consumed(long end) {
    readOffset = end;
    try {
      if (readOffset >= channel.size()) {
        channel.truncate(0);
        channel.force(true);
        readOffset = 0;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot truncate the audit spill file " + file, e);
    }
  }

  @Override
  public String toString() {
    return file.toString();
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("Cannot close {}: {}", file, e.toString());
    }
  }
}
