package io.tributary.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileIOTest {
  @TempDir Path dir;

  @Test
  void filesKeepTheLocationTheyWereAskedForWithOrWithoutScheme() throws Exception {
    LocalFileIO io = new LocalFileIO();
    for (String location :
        new String[] {
          "file://" + dir.resolve("a/one.json"),
          "file:" + dir.resolve("b/two.json"),
          dir.resolve("c/three.json").toString()
        }) {
      OutputFile out = io.newOutputFile(location);
      assertThat(out.location()).isEqualTo(location);
      try (OutputStream stream = out.create()) {
        stream.write("{}".getBytes(StandardCharsets.UTF_8));
      }
      InputFile in = out.toInputFile();
      assertThat(in.location()).isEqualTo(location);
      assertThat(in.getLength()).isEqualTo(2);
      try (InputStream stream = io.newInputFile(location).newStream()) {
        assertThat(new String(stream.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{}");
      }
      io.deleteFile(location);
      assertThat(io.newInputFile(location).exists()).isFalse();
    }
  }

  @Test
  void aMissingFileIsNotFoundInIcebergsUsualWords() {
    String location = "file:" + dir.resolve("missing.metadata.json");
    InputFile missing = new LocalFileIO().newInputFile(location);
    assertThatThrownBy(missing::newStream)
        .isInstanceOf(NotFoundException.class)
        .hasMessage("Failed to open input stream for file: " + location);
    assertThatThrownBy(missing::getLength).isInstanceOf(NotFoundException.class);
  }
}
