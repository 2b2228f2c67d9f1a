package dev.tokenkeeper.benchmarks.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.RemoveAuthorizedClientReactiveOAuth2AuthorizationFailureHandler;
import org.springframework.security.oauth2.client.endpoint.WebClientReactiveClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Spring Security 7.1's stock client-credentials stack for service-to-service calls, wired as
 * its reference documentation shows:
 * {@code AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager} over an
 * {@code InMemoryReactiveOAuth2AuthorizedClientService}, a
 * {@code ClientCredentialsReactiveOAuth2AuthorizedClientProvider}, and
 * {@code ServerOAuth2AuthorizedClientExchangeFilterFunction} on the WebClient.
 */
public final class StockStack {

	/** The principal the stock filter uses outside a web request. */
	public static final String ANONYMOUS_PRINCIPAL = "anonymousUser";

	private final InMemoryReactiveOAuth2AuthorizedClientService service;

	private final AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager;

	private final ServerOAuth2AuthorizedClientExchangeFilterFunction filter;

	private StockStack(Builder builder) {
		List<ClientRegistration> registrations = new ArrayList<>(builder.registrations.size());
		for (BenchRegistration registration : builder.registrations) {
			registrations.add(ClientRegistration.withRegistrationId(registration.id())
				.clientId("client-" + registration.id())
				.clientSecret("secret-" + registration.id())
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.tokenUri(registration.tokenUri().toString())
				.build());
		}
		InMemoryReactiveClientRegistrationRepository repository = new InMemoryReactiveClientRegistrationRepository(
				registrations);
		this.service = new InMemoryReactiveOAuth2AuthorizedClientService(repository);
		WebClientReactiveClientCredentialsTokenResponseClient tokenClient = new WebClientReactiveClientCredentialsTokenResponseClient();
		tokenClient.setWebClient(WebClient.builder().clientConnector(builder.tokenConnector).build());
		ClientCredentialsReactiveOAuth2AuthorizedClientProvider provider = new ClientCredentialsReactiveOAuth2AuthorizedClientProvider();
		provider.setAccessTokenResponseClient(tokenClient);
		provider.setClock(builder.clock);
		if (builder.clockSkew != null) {
			provider.setClockSkew(builder.clockSkew);
		}
		this.manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(repository, this.service);
		this.manager.setAuthorizedClientProvider(
				builder.restampWithClock ? new Restamping(provider, builder.clock) : provider);
		this.filter = new ServerOAuth2AuthorizedClientExchangeFilterFunction(this.manager);
		if (builder.registrations.size() == 1) {
			this.filter.setDefaultClientRegistrationId(builder.registrations.get(0).id());
		}
		if (builder.removeOnUnauthorized) {
			this.filter.setAuthorizationFailureHandler(new RemoveAuthorizedClientReactiveOAuth2AuthorizationFailureHandler(
					(registrationId, principal, attributes) -> this.service.removeAuthorizedClient(registrationId,
							principal.getName())));
		}
	}

	public static Builder builder(List<BenchRegistration> registrations, Clock clock,
			ClientHttpConnector tokenConnector) {
		return new Builder(registrations, clock, tokenConnector);
	}

	public InMemoryReactiveOAuth2AuthorizedClientService service() {
		return this.service;
	}

	public AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager manager() {
		return this.manager;
	}

	public ServerOAuth2AuthorizedClientExchangeFilterFunction filter() {
		return this.filter;
	}

	public WebClient webClient(ClientHttpConnector apiConnector) {
		return WebClient.builder().clientConnector(apiConnector).filter(this.filter).build();
	}

	/** Options of the stock stack. */
	public static final class Builder {

		private final List<BenchRegistration> registrations;

		private final Clock clock;

		private final ClientHttpConnector tokenConnector;

		private Duration clockSkew;

		private boolean restampWithClock;

		private boolean removeOnUnauthorized;

		private Builder(List<BenchRegistration> registrations, Clock clock, ClientHttpConnector tokenConnector) {
			this.registrations = registrations;
			this.clock = clock;
			this.tokenConnector = tokenConnector;
		}

		/** The provider's clock skew instead of its 60 s default. */
		public Builder clockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
			return this;
		}

		/**
		 * Stamp each new token with the injected clock: Spring Security dates a token response
		 * with {@code Instant.now()}, which a simulated hour cannot advance. Without this the
		 * provider would compare simulated time against real-time expiries.
		 */
		public Builder restampWithClock() {
			this.restampWithClock = true;
			return this;
		}

		/**
		 * Drop the authorized client on a 401/403 from the API, as Spring Security's reference
		 * suggests for the filter built from a manager (which by default ignores them).
		 */
		public Builder removeOnUnauthorized() {
			this.removeOnUnauthorized = true;
			return this;
		}

		public StockStack build() {
			return new StockStack(this);
		}

	}

	/** The stock provider, with new tokens dated by the injected clock. */
	private static final class Restamping implements ReactiveOAuth2AuthorizedClientProvider {

		private final ReactiveOAuth2AuthorizedClientProvider delegate;

		private final Clock clock;

		Restamping(ReactiveOAuth2AuthorizedClientProvider delegate, Clock clock) {
			this.delegate = delegate;
			this.clock = clock;
		}

		@Override
		public Mono<OAuth2AuthorizedClient> authorize(OAuth2AuthorizationContext context) {
			return this.delegate.authorize(context).map((client) -> {
				OAuth2AccessToken token = client.getAccessToken();
				Duration lifetime = Duration.between(token.getIssuedAt(), token.getExpiresAt());
				Instant now = this.clock.instant();
				OAuth2AccessToken restamped = new OAuth2AccessToken(token.getTokenType(), token.getTokenValue(), now,
						now.plus(lifetime), token.getScopes());
				return new OAuth2AuthorizedClient(client.getClientRegistration(), client.getPrincipalName(), restamped,
						client.getRefreshToken());
			});
		}

	}

}
