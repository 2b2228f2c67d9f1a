package dev.tokenkeeper.routing;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TokenRouterTests {

	/**
	 * {@code betterpt} and {@code rooms} share an origin ({@code rooms} under a longer path),
	 * {@code candid} has its own, {@code canvas} has no base URLs (attribute only).
	 */
	private final TokenRouter router = new TokenRouter(List.of("betterpt", "rooms", "candid", "canvas"),
			List.of(BaseUrl.parse("betterpt", "https://api.x.com/v0"),
					BaseUrl.parse("rooms", "https://api.x.com/v0/rooms"),
					BaseUrl.parse("candid", "https://api.joincandidhealth.com"),
					BaseUrl.parse("candid", "https://api-staging.joincandidhealth.com/api")));

	@Test
	void routeWhenUrlIsUnderABaseUrlThenThatRegistration() {
		assertThat(route("https://api.x.com/v0/sessions", null)).isEqualTo("betterpt");
		assertThat(route("https://api.x.com/v0", null)).isEqualTo("betterpt");
		assertThat(route("https://api.joincandidhealth.com/api/encounters/v4", null)).isEqualTo("candid");
		assertThat(route("https://api-staging.joincandidhealth.com/api/x", null)).isEqualTo("candid");
	}

	@Test
	void routeWhenSeveralBaseUrlsMatchThenTheLongestWins() {
		assertThat(route("https://api.x.com/v0/rooms", null)).isEqualTo("rooms");
		assertThat(route("https://api.x.com/v0/rooms/42", null)).isEqualTo("rooms");
		assertThat(route("https://api.x.com/v0/roomsx", null)).isEqualTo("betterpt");
	}

	@Test
	void routeWhenLongestMatchIsListedFirstOrLastThenTheLongestWinsEither() {
		TokenRouter reversed = new TokenRouter(List.of("a", "b"),
				List.of(BaseUrl.parse("b", "https://api.x.com/v0/rooms"), BaseUrl.parse("a", "https://api.x.com")));
		assertThat(reversed.route(URI.create("https://api.x.com/v0/rooms/1"), null)).isEqualTo("b");
		assertThat(reversed.route(URI.create("https://api.x.com/v0/other"), null)).isEqualTo("a");
	}

	@Test
	void routeWhenBaseUrlsOfSeveralDepthsComeAndGoThenTheLongestStillRoutedWins() {
		TokenRouter router = new TokenRouter(List.of(), List.of());
		router.put("root", List.of(BaseUrl.parse("root", "https://api.x.com")));
		router.put("deep", List.of(BaseUrl.parse("deep", "https://api.x.com/a/b/c")));
		router.put("mid", List.of(BaseUrl.parse("mid", "https://api.x.com/a")));
		assertThat(router.route(URI.create("https://api.x.com/a/b/c/d"), null)).isEqualTo("deep");
		assertThat(router.route(URI.create("https://api.x.com/a/b"), null)).isEqualTo("mid");

		router.remove("deep");
		assertThat(router.route(URI.create("https://api.x.com/a/b/c/d"), null)).isEqualTo("mid");
		// replaced with a base URL one segment deeper: the old depth no longer routes to it
		router.put("mid", List.of(BaseUrl.parse("mid", "https://api.x.com/a/b")));
		assertThat(router.route(URI.create("https://api.x.com/a/b/c/d"), null)).isEqualTo("mid");
		assertThat(router.route(URI.create("https://api.x.com/a/x"), null)).isEqualTo("root");
		router.remove("root");
		assertThat(router.route(URI.create("https://api.x.com/a/x"), null)).isNull();
		router.remove("mid");
		assertThat(router.route(URI.create("https://api.x.com/a/b/c/d"), null)).isNull();
		assertThat(router.isKnown("mid")).isFalse();

		// two at one depth: dropping one leaves the other routed
		router.put("p", List.of(BaseUrl.parse("p", "https://api.x.com/p")));
		router.put("q", List.of(BaseUrl.parse("q", "https://api.x.com/q")));
		router.remove("p");
		assertThat(router.route(URI.create("https://api.x.com/q/x"), null)).isEqualTo("q");
		router.remove("q");

		// the origin's depths are counted again from nothing
		router.put("again", List.of(BaseUrl.parse("again", "https://api.x.com/a/b/c")));
		assertThat(router.route(URI.create("https://api.x.com/a/b/c/d"), null)).isEqualTo("again");
	}

	@Test
	void routeWhenBaseUrlIsDeeperThanThirtyOneSegmentsThenItRoutes() {
		String deep = "/s".repeat(40);
		TokenRouter router = new TokenRouter(List.of(), List.of());
		router.put("deep", List.of(BaseUrl.parse("deep", "https://api.x.com" + deep)));
		router.put("deeper", List.of(BaseUrl.parse("deeper", "https://api.x.com" + deep + "/t")));
		assertThat(router.route(URI.create("https://api.x.com" + deep + "/x"), null)).isEqualTo("deep");
		assertThat(router.route(URI.create("https://api.x.com" + deep + "/t/x"), null)).isEqualTo("deeper");
		assertThat(router.route(URI.create("https://api.x.com/s/x"), null)).isNull();
	}

	@Test
	void routeWhenNoBaseUrlMatchesThenUntouched() {
		assertThat(route("https://api.x.com/v0x", null)).isNull();
		assertThat(route("https://api.x.com.evil.io/v0", null)).isNull();
		assertThat(route("https://api.x.com:8443/v0", null)).isNull();
		assertThat(route("https://user@api.x.com/v0", null)).isNull();
		assertThat(route("http://api.x.com/v0", null)).isNull();
		assertThat(route("https://api.x.com/v0/../admin", null)).isNull();
		assertThat(route("https://example.com/", null)).isNull();
	}

	@Test
	void routeWhenRegistrationWithoutBaseUrlsIsNotNamedThenItNeverGetsARequest() {
		TokenRouter router = new TokenRouter(List.of("canvas"), List.of());
		assertThat(router.route(URI.create("https://fumage-example.canvasmedical.com/Patient"), null)).isNull();
	}

	@Test
	void routeWhenAttributeNamesACoveringRegistrationThenThatRegistration() {
		assertThat(route("https://api.x.com/v0/sessions", "betterpt")).isEqualTo("betterpt");
		// naming the shorter match explicitly overrides the longest-match rule
		assertThat(route("https://api.x.com/v0/rooms/1", "betterpt")).isEqualTo("betterpt");
	}

	@Test
	void routeWhenAttributeNamesAnUnknownRegistrationThenErrorNamingIt() {
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("https://api.x.com/v0/sessions", "betterpt-typo"))
			.withMessageContaining("'betterpt-typo'")
			.withMessageContaining("tokenkeeper.clients.betterpt-typo");
	}

	@Test
	void routeWhenAttributeNamesARegistrationWhoseBaseUrlsDoNotCoverTheUrlThenError() {
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("https://evil.io/collect?key=s3cr3t", "betterpt"))
			.withMessageContaining("'betterpt'")
			.withMessageContaining("tokenkeeper.clients.betterpt.base-urls")
			.withMessageContaining("https://evil.io/collect")
			.withMessageNotContaining("s3cr3t");
	}

	@Test
	void routeWhenAttributeNamesARegistrationAndTheUrlBelongsToAnotherThenError() {
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("https://api.joincandidhealth.com/api/x", "betterpt"))
			.withMessageContaining("'betterpt'");
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("https://api.x.com/v0/sessions", "rooms"))
			.withMessageContaining("'rooms'");
	}

	@Test
	void routeWhenAttributeNamesACoveringRegistrationOverPlainHttpThenError() {
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("http://api.x.com/v0/sessions", "betterpt"));
	}

	@Test
	void routeWhenUrlHasUserInfoAndAttributeNamesTheRegistrationThenErrorWithoutUserInfo() {
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("https://user:pw-s3cr3t@api.x.com/v0/sessions", "betterpt"))
			.withMessageNotContaining("pw-s3cr3t");
	}

	@Test
	void routeWhenAttributeNamesARegistrationWithoutBaseUrlsOnHttpsThenThatRegistration() {
		assertThat(route("https://fumage-example.canvasmedical.com/Patient", "canvas")).isEqualTo("canvas");
	}

	@Test
	void routeWhenAttributeNamesARegistrationWithoutBaseUrlsOnNonLoopbackHttpThenError() {
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("http://fumage-example.canvasmedical.com/Patient", "canvas"))
			.withMessageContaining("'canvas'")
			.withMessageContaining("https");
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("http://127.evil.io/Patient", "canvas"));
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> route("http://10.0.0.7:8080/Patient", "canvas"));
	}

	@Test
	void routeWhenAttributeNamesARegistrationWithoutBaseUrlsOnLoopbackHttpThenThatRegistration() {
		assertThat(route("http://localhost:8080/Patient", "canvas")).isEqualTo("canvas");
		assertThat(route("http://127.0.0.1:8080/Patient", "canvas")).isEqualTo("canvas");
		assertThat(route("http://[::1]:8080/Patient", "canvas")).isEqualTo("canvas");
	}

	@Test
	void routeWhenLoopbackHttpBaseUrlThenMatched() {
		TokenRouter router = new TokenRouter(List.of("local"),
				List.of(BaseUrl.parse("local", "http://localhost:8089/api")));
		assertThat(router.route(URI.create("http://localhost:8089/api/rooms"), null)).isEqualTo("local");
		assertThat(router.route(URI.create("http://localhost:8089/apix"), null)).isNull();
	}

	@Test
	void routeWhenPathHasTrailingSlashesOrUrlDiffersInCaseOrDefaultPortThenTheBaseAboveIt() {
		assertThat(route("https://api.x.com/v0/rooms/", null)).isEqualTo("rooms");
		assertThat(route("HTTPS://API.X.COM:443/v0/rooms/7", null)).isEqualTo("rooms");
		assertThat(route("https://api.x.com", null)).isNull();
		assertThat(route("https://api.joincandidhealth.com", null)).isEqualTo("candid");
		assertThat(route("https://api.joincandidhealth.com/", null)).isEqualTo("candid");
	}

	@Test
	void routeWhenManyRegistrationsShareAnOriginThenEachGetsItsOwnPath() {
		List<String> ids = new ArrayList<>();
		List<BaseUrl> baseUrls = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			ids.add("tenant-" + i);
			baseUrls.add(BaseUrl.parse("tenant-" + i, "https://api.x.com/tenants/" + i));
		}
		TokenRouter router = new TokenRouter(ids, baseUrls);

		assertThat(router.route(URI.create("https://api.x.com/tenants/7/rooms"), null)).isEqualTo("tenant-7");
		assertThat(router.route(URI.create("https://api.x.com/tenants/700"), null)).isEqualTo("tenant-700");
		assertThat(router.route(URI.create("https://api.x.com/tenants/7000"), null)).isNull();
		assertThat(router.route(URI.create("https://api.x.com/tenants/70/x"), "tenant-70")).isEqualTo("tenant-70");
	}

	/** {@code a} and {@code b} on one host: each trick's text is under {@code /a}, a server may serve {@code /b}. */
	@ParameterizedTest
	@ValueSource(strings = { "https://h.x.com//b/./a/x", "https://h.x.com/a/..;/b/x", "https://h.x.com/a/..%2fb/x",
			"https://h.x.com/a/..%2Fb/x", "https://h.x.com/a/..%5cb/x", "https://h.x.com/a/..%5Cb/x",
			"https://h.x.com/a//x", "https://h.x.com//a/x", "https://h.x.com/a/x;v=1", "https://h.x.com/a/..%3bb/x",
			"https://h.x.com/a/x%00.json" })
	void routeWhenPathMayBeReadAsAnotherThenNoToken(String url) {
		assertThat(sharedHost().route(URI.create(url), null)).isNull();
	}

	@Test
	void routeWhenAttributeNamesARegistrationAndThePathMayBeReadAsAnotherThenErrorSayingWhy() {
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> sharedHost().route(URI.create("https://h.x.com/a/..;/b/x?key=s3cr3t"), "a"))
			.withMessageContaining("'a'")
			.withMessageContaining("';'")
			.withMessageNotContaining("s3cr3t");
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> sharedHost().route(URI.create("https://h.x.com//b/./a/x"), "a"))
			.withMessageContaining("'//'");
		assertThatExceptionOfType(TokenRoutingException.class)
			.isThrownBy(() -> sharedHost().route(URI.create("https://h.x.com/a/..%2Fb/x"), "a"))
			.withMessageContaining("%2F");
	}

	@Test
	void routeWhenPathHasDotSegmentsOrEncodedDotsThenResolvedAsAServerDoes() {
		TokenRouter router = sharedHost();
		assertThat(router.route(URI.create("https://h.x.com/a/../b/x"), null)).isEqualTo("b");
		assertThat(router.route(URI.create("https://h.x.com/a/%2e%2e/b/x"), null)).isEqualTo("b");
		assertThat(router.route(URI.create("https://h.x.com/b/.%2E/a/./x"), null)).isEqualTo("a");
		assertThat(router.route(URI.create("https://h.x.com/a/../../b"), null)).isEqualTo("b");
		assertThat(router.route(URI.create("https://h.x.com/a/x/.."), null)).isEqualTo("a");
		assertThat(router.route(URI.create("https://h.x.com/a/.."), null)).isNull();
	}

	private static TokenRouter sharedHost() {
		return new TokenRouter(List.of("a", "b"),
				List.of(BaseUrl.parse("a", "https://h.x.com/a"), BaseUrl.parse("b", "https://h.x.com/b")));
	}

	@Test
	void isKnownWhenConfiguredThenTrue() {
		assertThat(this.router.isKnown("canvas")).isTrue();
		assertThat(this.router.isKnown("nope")).isFalse();
	}

	private String route(String url, String registrationId) {
		return this.router.route(URI.create(url), registrationId);
	}

}
