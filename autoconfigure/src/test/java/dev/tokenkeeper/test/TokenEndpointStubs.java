package dev.tokenkeeper.test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * WireMock token endpoints that answer successive requests with successive tokens.
 */
public final class TokenEndpointStubs {

	private TokenEndpointStubs() {
	}

	/**
	 * Answer the n-th request at {@code path} with the n-th token (the last one from then on).
	 * @param server the WireMock server
	 * @param path the token endpoint path, e.g. {@code /oauth2/token}
	 * @param expiresIn the {@code expires_in} of every token, in seconds
	 * @param tokens the tokens, in order
	 */
	public static void sequence(WireMockServer server, String path, int expiresIn, String... tokens) {
		String scenario = "tokens at " + path;
		for (int i = 0; i < tokens.length; i++) {
			String state = (i == 0) ? Scenario.STARTED : "request " + (i + 1);
			var stub = post(urlPathEqualTo(path)).inScenario(scenario)
				.whenScenarioStateIs(state)
				.willReturn(aResponse().withHeader("Content-Type", "application/json")
					.withBody("{\"access_token\":\"" + tokens[i] + "\",\"token_type\":\"Bearer\",\"expires_in\":"
							+ expiresIn + "}"));
			if (i < tokens.length - 1) {
				stub = stub.willSetStateTo("request " + (i + 2));
			}
			server.stubFor(stub);
		}
	}

}
