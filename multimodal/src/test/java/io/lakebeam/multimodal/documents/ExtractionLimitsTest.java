package io.lakebeam.multimodal.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ExtractionLimitsTest {

  @Test
  void defaultsAreTheDocumentedValues() {
    ExtractionLimits limits = ExtractionLimits.defaults();

    assertThat(limits.maxFileBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(limits.maxTextChars()).isEqualTo(20_000_000);
    assertThat(limits.timeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(limits.maxEmbeddedDepth()).isEqualTo(3);
    assertThat(limits.maxEmbeddedResources()).isEqualTo(1_000);
    assertThat(limits.maxCompressionRatio()).isEqualTo(100);
    assertThat(limits.compressionCheckThreshold()).isEqualTo(1_000_000);
    assertThat(limits.maxPackageEntryDepth()).isEqualTo(10);
  }

  @Test
  void withersReturnChangedCopiesInAnyOrder() {
    ExtractionLimits defaults = ExtractionLimits.defaults();

    ExtractionLimits one = defaults.withMaxTextChars(10).withTimeout(Duration.ofSeconds(5));
    ExtractionLimits other = defaults.withTimeout(Duration.ofSeconds(5)).withMaxTextChars(10);

    assertThat(one).isEqualTo(other).hasSameHashCodeAs(other).isNotEqualTo(defaults);
    assertThat(one.maxTextChars()).isEqualTo(10);
    assertThat(one.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.maxTextChars()).isEqualTo(ExtractionLimits.DEFAULT_MAX_TEXT_CHARS);
    assertThat(one.toString()).contains("maxTextChars=10", "timeout=PT5S");
  }

  @Test
  void maxFileBytesMustBePositive() {
    assertThatThrownBy(() -> ExtractionLimits.defaults().withMaxFileBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set max file bytes: 0 is not positive");
  }

  @Test
  void maxTextCharsMustBePositive() {
    assertThatThrownBy(() -> ExtractionLimits.defaults().withMaxTextChars(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set max text chars: -5 is not positive");
  }

  @Test
  void timeoutMustBePositive() {
    assertThatThrownBy(() -> ExtractionLimits.defaults().withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set timeout: PT0S is not positive");
    assertThatThrownBy(() -> ExtractionLimits.defaults().withTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout");
  }

  @Test
  void maxEmbeddedDepthMustNotBeNegative() {
    assertThat(ExtractionLimits.defaults().withMaxEmbeddedDepth(0).maxEmbeddedDepth()).isZero();
    assertThatThrownBy(() -> ExtractionLimits.defaults().withMaxEmbeddedDepth(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set max embedded depth: -1 is negative");
  }

  @Test
  void maxEmbeddedResourcesMustNotBeNegative() {
    assertThatThrownBy(() -> ExtractionLimits.defaults().withMaxEmbeddedResources(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set max embedded resources: -1 is negative");
  }

  @Test
  void maxCompressionRatioMustBePositive() {
    assertThatThrownBy(() -> ExtractionLimits.defaults().withMaxCompressionRatio(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set max compression ratio: 0 is not positive");
  }

  @Test
  void compressionCheckThresholdMustBePositive() {
    assertThatThrownBy(() -> ExtractionLimits.defaults().withCompressionCheckThreshold(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set compression check threshold: 0 is not positive");
  }

  @Test
  void maxPackageEntryDepthMustBePositive() {
    assertThatThrownBy(() -> ExtractionLimits.defaults().withMaxPackageEntryDepth(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set max package entry depth: 0 is not positive");
  }
}
