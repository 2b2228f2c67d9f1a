package dev.tokenkeeper.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.tokenkeeper.test.EncryptionKeys;
import dev.tokenkeeper.token.IssuedToken;
import dev.tokenkeeper.token.IssuedToken.LifetimeSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TokenEncryptionTests {

	private static final String KEY_NAME = "tokenkeeper:token:abc";

	private final IssuedToken token = new IssuedToken("token-1", Set.of("rooms:read", "rooms:write"),
			Instant.parse("2026-01-01T00:00:00.123456789Z"), Duration.ofSeconds(300, 5), LifetimeSource.JWT_EXP);

	@Test
	void openWhenSealedWithTheSameKeyAndKeyNameThenReturnsTheToken() {
		TokenEncryption encryption = TokenEncryption.aesGcm(EncryptionKeys.random());
		IssuedToken opened = encryption.open(KEY_NAME, encryption.seal(KEY_NAME, this.token));
		assertThat(opened).isEqualTo(this.token);
	}

	@Test
	void sealWhenCalledTwiceThenUsesAFreshIvEachTime() {
		TokenEncryption encryption = TokenEncryption.aesGcm(EncryptionKeys.random());
		assertThat(encryption.seal(KEY_NAME, this.token)).isNotEqualTo(encryption.seal(KEY_NAME, this.token));
	}

	@Test
	void openWhenSealedUnderAnotherKeyNameThenNull() {
		TokenEncryption encryption = TokenEncryption.aesGcm(EncryptionKeys.random());
		assertThat(encryption.open("tokenkeeper:token:other", encryption.seal(KEY_NAME, this.token))).isNull();
	}

	@Test
	void openWhenTagReplacedThenNull() {
		TokenEncryption encryption = TokenEncryption.aesGcm(EncryptionKeys.random());
		String sealed = encryption.seal(KEY_NAME, this.token);
		String otherTag = encryption.prefix("token-2");
		String forged = otherTag + sealed.substring(encryption.prefix("token-1").length());
		assertThat(encryption.open(KEY_NAME, forged)).isNull();
	}

	@Test
	void openWhenMalformedThenNull() {
		TokenEncryption encryption = TokenEncryption.aesGcm(EncryptionKeys.random());
		assertThat(encryption.open(KEY_NAME, "")).isNull();
		assertThat(encryption.open(KEY_NAME, "e1.abc")).isNull();
		assertThat(encryption.open(KEY_NAME, "e1.abc.%%%")).isNull();
		assertThat(encryption.open(KEY_NAME, "e1.abc." + Base64.getEncoder().encodeToString(new byte[5]))).isNull();
	}

	@Test
	void prefixWhenKeyedThenDoesNotRevealTheToken() {
		TokenEncryption one = TokenEncryption.aesGcm(EncryptionKeys.random());
		TokenEncryption other = TokenEncryption.aesGcm(EncryptionKeys.random());
		assertThat(one.prefix("token-1")).startsWith("e1.").doesNotContain("token-1")
			.isNotEqualTo(other.prefix("token-1"));
	}

	@Test
	void aesGcmWhenKeyIsNotBase64ThenFailsWithoutShowingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> TokenEncryption.aesGcm("not*base64*secret"))
			.withMessage("is not valid Base64")
			.withMessageNotContaining("secret");
	}

	@Test
	void aesGcmWhenKeyHasTheWrongLengthThenFailsWithoutShowingIt() {
		String shortKey = Base64.getEncoder().encodeToString("sixteen-byte-key".getBytes());
		assertThatIllegalArgumentException().isThrownBy(() -> TokenEncryption.aesGcm(shortKey))
			.withMessageContaining("32 random bytes")
			.withMessageContaining("16 bytes")
			.withMessageNotContaining(shortKey);
	}

	@Test
	void toStringWhenKeyedThenDoesNotShowTheKey() {
		String key = EncryptionKeys.random();
		assertThat(TokenEncryption.aesGcm(key)).hasToString("TokenEncryption[AES-256-GCM]");
	}

}
