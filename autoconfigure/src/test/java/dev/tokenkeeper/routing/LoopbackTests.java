package dev.tokenkeeper.routing;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which hosts count as loopback, where plain http may carry a secret or a token: judged from
 * the literal host, never by DNS.
 */
class LoopbackTests {

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.0.0.1.", "127.255.255.255",
			"127.1.2.3", "127.000.000.001", "::1", "[::1]", "[0:0:0:0:0:0:0:1]" })
	void isLoopbackHostWhenLoopbackThenTrue(String host) {
		assertThat(Loopback.isLoopbackHost(host)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "127", "127.", "127.0.0", "127.0.0.1.1", "127.0.0.256", "127.0.0.1000", "127..0.1",
			"127.0.0.-1", "127.0.0.1a", "127.0.0.+1", "127.0.0.\u0661", "128.0.0.1", "1127.0.0.1", "localhost.evil.com",
			"127.0.0.1.evil.com", "evil127.0.0.1", "[::2]", "0.0.0.0", "10.0.0.1" })
	void isLoopbackHostWhenNotLoopbackThenFalse(String host) {
		assertThat(Loopback.isLoopbackHost(host)).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://partner.example.com/token", "http://127.0.0.1:8080/token",
			"http://localhost/token", "http://[::1]:9000/token" })
	void isSecureWhenHttpsOrLoopbackThenTrue(String url) {
		assertThat(Loopback.isSecure(URI.create(url))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://partner.example.com/token", "http://127.0.0.256/token", "http://10.0.0.1/token" })
	void isSecureWhenPlainHttpElsewhereThenFalse(String url) {
		assertThat(Loopback.isSecure(URI.create(url))).isFalse();
	}

}
