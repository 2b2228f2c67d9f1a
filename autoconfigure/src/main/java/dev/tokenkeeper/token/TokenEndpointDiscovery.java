package dev.tokenkeeper.token;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The token endpoint of a registration configured with {@code issuer-uri}: read from the
 * issuer's metadata at the first token request and cached, so API calls never wait for it.
 * <ul>
 * <li>{@code smart-backend}: {@code {issuer-uri}/.well-known/smart-configuration} (the FHIR
 * base URL's SMART configuration);</li>
 * <li>the other profiles: RFC 8414 {@code /.well-known/oauth-authorization-server} (inserted
 * before the issuer's path), then OpenID {@code {issuer-uri}/.well-known/openid-configuration}
 * (appended).</li>
 * </ul>
 * The metadata is fetched through the registration's own token endpoint client (no
 * redirects, its timeouts, size cap, SSL bundle and proxy). A failure is a
 * {@link TokenEndpointException} of the token request, so the cache's backoff and cool-down
 * apply and a later token request tries again; nothing is cached until a lookup succeeds.
 *
 * @author TokenKeeper
 */
public final class TokenEndpointDiscovery {

	private final Supplier<@Nullable String> issuer;

	private volatile @Nullable Discovered discovered;

	/**
	 * A discovery of the current {@code issuer-uri}.
	 * @param issuer the configured issuer, read on every token request, or {@code null} when
	 * the registration names its {@code token-uri}
	 */
	public TokenEndpointDiscovery(Supplier<@Nullable String> issuer) {
		this.issuer = issuer;
	}

	/**
	 * The credentials with the discovered token endpoint, looked up first unless cached.
	 * @param credentials the credentials as configured
	 * @param client the registration's token endpoint client
	 * @return the credentials to send, or an error that is always a
	 * {@link TokenEndpointException}
	 */
	public Mono<ClientCredentials> resolve(ClientCredentials credentials, TokenEndpointClient client) {
		String configured = this.issuer.get();
		if (configured == null) {
			return Mono.just(credentials);
		}
		String issuer = configured.trim();
		Discovered discovered = this.discovered;
		if (discovered != null && discovered.issuer.equals(issuer)) {
			return Mono.just(credentials.withTokenUri(discovered.tokenUri));
		}
		boolean smart = credentials.profile() == ProviderProfile.SMART_BACKEND;
		return discover(credentials.registrationId(), issuer, smart, client, metadataUris(issuer, smart), 0)
			.map((tokenUri) -> {
				this.discovered = new Discovered(issuer, tokenUri);
				return credentials.withTokenUri(tokenUri);
			});
	}

	/**
	 * The credentials with the token endpoint discovered so far, without looking it up.
	 * @param credentials the credentials as configured
	 * @return the credentials with the cached token endpoint, or as given when none is
	 */
	public ClientCredentials cached(ClientCredentials credentials) {
		String configured = this.issuer.get();
		Discovered discovered = this.discovered;
		return (configured != null && discovered != null && discovered.issuer.equals(configured.trim()))
				? credentials.withTokenUri(discovered.tokenUri) : credentials;
	}

	private Mono<URI> discover(String registrationId, String issuer, boolean smart, TokenEndpointClient client,
			List<URI> candidates, int index) {
		URI metadataUri = candidates.get(index);
		Mono<URI> lookup = client.metadata(registrationId, metadataUri)
			.map((metadata) -> tokenEndpoint(registrationId, issuer, smart, metadataUri, metadata));
		if (index + 1 == candidates.size()) {
			return lookup;
		}
		// RFC 8414 first; a server without it (404 and the like) may still serve OpenID's
		return lookup.onErrorResume((ex) -> ex instanceof TokenEndpointException failure
				&& failure.getOutcome() == TokenRequestOutcome.CLIENT_ERROR,
				(ex) -> discover(registrationId, issuer, smart, client, candidates, index + 1));
	}

	private static URI tokenEndpoint(String registrationId, String issuer, boolean smart, URI metadataUri,
			TokenEndpointClient.Metadata metadata) {
		String where = " in " + TokenUris.display(metadataUri);
		String claimedIssuer = metadata.text("issuer");
		// RFC 8414 section 3.3, OpenID Discovery section 4.3: metadata of another issuer is not used
		if (!smart && (claimedIssuer == null || !withoutTrailingSlash(claimedIssuer).equals(withoutTrailingSlash(issuer)))) {
			throw invalid(registrationId, "issuer-uri discovery: the metadata's issuer"
					+ ((claimedIssuer == null) ? " is missing" : " is not the configured issuer-uri") + where);
		}
		String tokenEndpoint = metadata.text("token_endpoint");
		if (tokenEndpoint == null || tokenEndpoint.isBlank()) {
			throw invalid(registrationId, "issuer-uri discovery: no token_endpoint" + where);
		}
		String problem = TokenUris.problem(tokenEndpoint);
		if (problem != null) {
			throw invalid(registrationId, "issuer-uri discovery: the token_endpoint" + where + " " + problem);
		}
		return URI.create(tokenEndpoint.trim());
	}

	private static TokenEndpointException invalid(String registrationId, String description) {
		return new TokenEndpointException(registrationId, TokenRequestOutcome.INVALID_RESPONSE, 0, null, description,
				null, null);
	}

	/** Where the metadata is, in the order tried. */
	static List<URI> metadataUris(String issuer, boolean smart) {
		String base = withoutTrailingSlash(issuer);
		if (smart) {
			return List.of(URI.create(base + "/.well-known/smart-configuration"));
		}
		URI uri = URI.create(base);
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "";
		try {
			// RFC 8414 section 3.1: the well-known segment goes between host and path
			URI oauth = new URI(uri.getScheme(), uri.getRawAuthority(), null, null, null)
				.resolve("/.well-known/oauth-authorization-server" + path);
			return List.of(oauth, URI.create(base + "/.well-known/openid-configuration"));
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("issuer-uri is not a valid URI", ex);
		}
	}

	private static String withoutTrailingSlash(String uri) {
		return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
	}

	@Override
	public String toString() {
		Discovered discovered = this.discovered;
		return "TokenEndpointDiscovery["
				+ ((discovered != null) ? TokenUris.display(discovered.tokenUri) : "not yet discovered") + "]";
	}

	private record Discovered(String issuer, URI tokenUri) {

	}

}
