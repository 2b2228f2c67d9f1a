package dev.tokenkeeper.test;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

/**
 * WireMock answers of DPoP servers: tokens of a given type, and the nonce challenges of a
 * token endpoint ({@code 400 use_dpop_nonce}) and of an API ({@code 401} DPoP challenge).
 */
public final class DpopStubs {

	private DpopStubs() {
	}

	/**
	 * A token response.
	 * @param token the access token
	 * @param tokenType its {@code token_type}
	 * @return the response
	 */
	public static ResponseDefinitionBuilder token(String token, String tokenType) {
		return aResponse().withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"" + tokenType + "\",\"expires_in\":300}");
	}

	/**
	 * A token endpoint asking for a nonce.
	 * @param nonce the nonce it sends
	 * @return the response
	 */
	public static ResponseDefinitionBuilder tokenEndpointNonce(String nonce) {
		return aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withHeader("DPoP-Nonce", nonce)
			.withBody("{\"error\":\"use_dpop_nonce\",\"error_description\":\"Authorization server requires nonce in DPoP proof\"}");
	}

	/**
	 * An API asking for a nonce.
	 * @param nonce the nonce it sends
	 * @return the response
	 */
	public static ResponseDefinitionBuilder apiNonce(String nonce) {
		return aResponse().withStatus(401)
			.withHeader("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"")
			.withHeader("DPoP-Nonce", nonce);
	}

}
