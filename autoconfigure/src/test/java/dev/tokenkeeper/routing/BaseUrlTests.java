package dev.tokenkeeper.routing;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BaseUrlTests {

	@ParameterizedTest
	@ValueSource(strings = { "https://api.x.com/v0", "https://api.x.com/v0/", "https://api.x.com/v0/rooms",
			"https://api.x.com/v0/rooms/42?expand=true", "https://api.x.com/v0?page=2", "https://api.x.com/v0#top",
			"HTTPS://API.X.COM/v0/rooms", "https://api.x.com:443/v0/rooms", "https://api.x.com./v0",
			"https://api.x.com/v0/./rooms", "https://api.x.com/v0/rooms/%2E%2E", "https://api.x.com/v0/file%2ejson" })
	void matchesWhenUrlIsAtOrUnderTheBasePathThenTrue(String url) {
		assertThat(BaseUrl.parse("x", "https://api.x.com/v0").matches(URI.create(url))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://api.x.com/v0x", "https://api.x.com/v", "https://api.x.com/", "https://api.x.com",
			"https://api.x.com/V0", "https://api.x.com/v1/v0", "https://api.x.com/v0/../admin",
			"https://api.x.com/v0/rooms/../../admin", "https://api.x.com/v0/..", "http://api.x.com/v0",
			"https://api.x.com:8443/v0", "https://user@api.x.com/v0", "https://user:pw@api.x.com/v0",
			"https://api.x.com.evil.io/v0", "https://evil.io/api.x.com/v0", "https://xapi.x.com/v0",
			"ftp://api.x.com/v0", "/v0/rooms", "https://api.x.com/v0%2F..%2Fadmin",
			"https://api.x.com/v0/%2e%2e/admin", "https://api.x.com/v0/%2E%2E/admin", "https://api.x.com/v0/.%2e/admin" })
	void matchesWhenUrlIsOutsideTheBaseThenFalse(String url) {
		assertThat(BaseUrl.parse("x", "https://api.x.com/v0").matches(URI.create(url))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://api.x.com", "https://api.x.com/", "https://api.x.com/anything/at/all",
			"https://api.x.com:443/", "https://API.x.com/v0" })
	void matchesWhenBaseHasNoPathThenEveryPathOnThatOriginMatches(String url) {
		assertThat(BaseUrl.parse("x", "https://api.x.com").matches(URI.create(url))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://api.x.com.evil.io", "https://api.x.com.evil.io/", "https://api.x.com:444/",
			"https://api.x.com:80/", "https://user@api.x.com/", "https://api.x.com@evil.io/", "http://api.x.com/",
			"https://evil-api.x.com/", "https://x.com/" })
	void matchesWhenOriginDiffersThenFalse(String url) {
		assertThat(BaseUrl.parse("x", "https://api.x.com").matches(URI.create(url))).isFalse();
	}

	@ParameterizedTest
	@CsvSource({ "https://API.X.com:443/v0/, https://api.x.com/v0", "https://api.x.com/v0//, https://api.x.com/v0",
			"http://localhost:80/, http://localhost", "http://localhost:8080/v0, http://localhost:8080/v0",
			"https://api.x.com:8443, https://api.x.com:8443", "https://api.x.com., https://api.x.com" })
	void toStringWhenConfiguredThenCaseDefaultPortAndTrailingSlashesAreNormalised(String configured,
			String normalised) {
		assertThat(BaseUrl.parse("x", configured)).hasToString(normalised);
	}

	@Test
	void matchesWhenBaseIsConfiguredWithTrailingSlashAndDefaultPortThenSameAsWithout() {
		BaseUrl base = BaseUrl.parse("x", "HTTPS://Api.X.Com:443/v0/");
		assertThat(base.matches(URI.create("https://api.x.com/v0"))).isTrue();
		assertThat(base.matches(URI.create("https://api.x.com/v0/rooms"))).isTrue();
		assertThat(base.matches(URI.create("https://api.x.com/v0x"))).isFalse();
	}

	@Test
	void matchesWhenHttpBaseOnExplicitPortThenOnlyThatPort() {
		BaseUrl base = BaseUrl.parse("x", "http://127.0.0.1:8080/api");
		assertThat(base.matches(URI.create("http://127.0.0.1:8080/api/rooms"))).isTrue();
		assertThat(base.matches(URI.create("http://127.0.0.1/api/rooms"))).isFalse();
		assertThat(base.matches(URI.create("https://127.0.0.1:8080/api/rooms"))).isFalse();
		assertThat(base.matches(URI.create("http://localhost:8080/api/rooms"))).isFalse();
	}

	@Test
	void matchesWhenIpv6LoopbackThenMatches() {
		BaseUrl base = BaseUrl.parse("x", "http://[::1]:8080/api");
		assertThat(base.matches(URI.create("http://[::1]:8080/api/rooms"))).isTrue();
		assertThat(base.isInsecure()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://api.x.com", "http://api.x.com/v0", "http://10.0.0.1", "http://127.evil.io",
			"http://localhost.evil.io", "http://128.0.0.1" })
	void isInsecureWhenPlainHttpToANonLoopbackHostThenTrue(String url) {
		assertThat(BaseUrl.parse("x", url).isInsecure()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://api.x.com", "http://localhost:8080", "http://LOCALHOST", "http://127.0.0.1",
			"http://127.255.0.9:9000/v0", "http://[::1]" })
	void isInsecureWhenHttpsOrLoopbackThenFalse(String url) {
		assertThat(BaseUrl.parse("x", url).isInsecure()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "api.x.com/v0", "/v0", "ftp://api.x.com", "https://user@api.x.com",
			"https://api.x.com/v0?key=1", "https://api.x.com/v0#frag", "https:///v0", "https://api x.com" })
	void parseWhenNotAnAbsoluteHttpUrlWithoutExtrasThenRejected(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> BaseUrl.parse("x", url));
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://h.x.com//b/./a/x", "https://h.x.com/a/..;/b/x", "https://h.x.com/a/..%2fb/x",
			"https://h.x.com/a/..%2Fb", "https://h.x.com/a/..%5cb/x", "https://h.x.com/a//x", "https://h.x.com/a/x;v=1" })
	void matchesWhenPathMayBeReadAsAnotherThenFalseAlthoughItsTextIsUnderTheBase(String url) {
		assertThat(BaseUrl.parse("a", "https://h.x.com/a").matches(URI.create(url))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/a\\b", "/a/..\\b", "/a/%5C", "/a//b", "/a;x", "/a/%2F", "/a/%3B", "/a/%00" })
	void refusalWhenPathHasATrickThenNamesIt(String path) {
		assertThat(BaseUrl.refusal(path)).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/a", "/a/b/", "/a/%20b", "/a/%2e%2e/b", "/a/file.json", "/", "/a/%25" })
	void refusalWhenPathIsPlainThenNone(String path) {
		assertThat(BaseUrl.refusal(path)).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "/a/b/c/./../../g, /a/g", "/mid/content=5/../6, /mid/6", "/a/.., /", "/.., /", "/a/./b/., /a/b/",
			"/a/b/.., /a/", "/a/.../b, /a/.../b", "/a/..b/c, /a/..b/c" })
	void removeDotSegmentsWhenRfc3986ExamplesThenAsSpecified(String path, String expected) {
		assertThat(BaseUrl.removeDotSegments(path)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://h.x.com//a", "https://h.x.com/a;v=1", "https://h.x.com/a%2Fb",
			"https://h.x.com/a/../b", "https://h.x.com/a/./b", "https://h.x.com/a/%2e%2e/b" })
	void parseWhenPathMayBeReadAsAnotherThenRejected(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> BaseUrl.parse("x", url));
	}

	@Test
	void parseWhenRejectedThenTheMessageDoesNotRepeatTheValue() {
		// the value may hold a secret in its user-info; validation reports name the property only
		assertThatIllegalArgumentException().isThrownBy(() -> BaseUrl.parse("x", "https://user:s3cr3t@api.x.com"))
			.withMessageNotContaining("s3cr3t");
	}

	@ParameterizedTest
	@ValueSource(strings = { "lb://partner-service/v0", "lb://partner-service/v0/rooms", "LB://Partner-Service/v0/",
			"lb://partner-service/v0/rooms?page=2" })
	void matchesWhenLoadBalancedBaseAndUrlNamesTheServiceThenTrue(String url) {
		assertThat(BaseUrl.parse("x", "lb://partner-service/v0").matches(URI.create(url))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "lb://partner-service/v1", "lb://partner-service", "lb://other-service/v0",
			"lb://partner-service:8080/v0", "http://partner-service/v0", "https://partner-service/v0",
			"lb://partner-service.evil.io/v0", "lb://user@partner-service/v0" })
	void matchesWhenLoadBalancedBaseAndUrlElsewhereThenFalse(String url) {
		assertThat(BaseUrl.parse("x", "lb://partner-service/v0").matches(URI.create(url))).isFalse();
	}

	@Test
	void parseWhenLoadBalancedThenServiceIdIsTheHostNoPortAndNotInsecure() {
		BaseUrl base = BaseUrl.parse("x", "lb://Partner-Service/v0/");
		assertThat(base).hasToString("lb://partner-service/v0");
		assertThat(base.isInsecure()).isFalse();
	}

	@Test
	void isSecureWhenLoadBalancedUrlWithoutBaseUrlThenFalse() {
		// a registration without base-urls gets no token on lb:// requests: the URL must be configured
		assertThat(Loopback.isSecure(URI.create("lb://partner-service/v0"))).isFalse();
	}

	@Test
	void registrationIdWhenParsedThenKept() {
		assertThat(BaseUrl.parse("betterpt", "https://api.x.com").registrationId()).isEqualTo("betterpt");
	}

}
