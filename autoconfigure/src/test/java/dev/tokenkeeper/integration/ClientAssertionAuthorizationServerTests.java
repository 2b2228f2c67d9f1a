package dev.tokenkeeper.integration;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyPair;
import java.text.ParseException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.reactive.function.client.WebClient;

import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.test.AutoConfigurationSelection;
import dev.tokenkeeper.test.MutableClock;
import dev.tokenkeeper.test.OwnEventLoops;
import dev.tokenkeeper.test.SelfSignedCertificate;
import dev.tokenkeeper.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT client authentication against a real Spring Authorization Server: a
 * {@code private_key_jwt} client whose JWK Set URL is TokenKeeper's own
 * {@code tokenkeeper.jwks.path} (so what TokenKeeper publishes is what the server verifies
 * with) and a {@code client_secret_jwt} client; a real resource server checks the tokens.
 */
class ClientAssertionAuthorizationServerTests {

	private static final String SCOPE = "partner.read";

	/** HS256 needs a key of at least 32 bytes. */
	private static final String HMAC_SECRET = "client-secret-jwt-secret-0123456789abcdef";

	private static final String JWKS_PATH = "/.well-known/jwks.json";

	@RegisterExtension
	static final AuthorizationServerAndApi servers = AuthorizationServerAndApi
		.of(AssertionAuthorizationServer.class);

	@TempDir
	Path directory;

	private final MutableClock clock = MutableClock.now();

	private final KeyPair firstKey = TestKeys.rsa(2048);

	private Path keyFile;

	/** The server caches a client's verifier by registration: each test registers a client of its own. */
	private final String keyClientId = "pkjwt-client-" + UUID.randomUUID().toString().substring(0, 8);

	private ConfigurableApplicationContext tokenKeeper;

	@BeforeEach
	void setUp() {
		servers.counter().reset();
		assertions().clear();
		this.keyFile = TestKeys.write(this.directory.resolve("signing-key.pem"), TestKeys.pkcs8(this.firstKey));
		this.tokenKeeper = tokenKeeper(Map.of());
		registerKeyClient(this.keyClientId);
	}

	/** The server learns where the client publishes its keys: TokenKeeper's own JWK Set. */
	private void registerKeyClient(String clientId) {
		String jwkSetUrl = "http://127.0.0.1:" + AuthorizationServerAndApi.port(this.tokenKeeper) + JWKS_PATH;
		clients().save(RegisteredClient.withId(UUID.randomUUID().toString())
			.clientId(clientId)
			.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.scope(SCOPE)
			.clientSettings(ClientSettings.builder()
				.jwkSetUrl(jwkSetUrl)
				.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS256)
				.build())
			.build());
	}

	@AfterEach
	void stopTokenKeeper() {
		this.tokenKeeper.close();
	}

	@Test
	void callsWhenPrivateKeyJwtThenOneTokenRequestAndTwentyCallsTheResourceServerAccepts() throws Exception {
		assertTwentyCallsWithOneToken("pkjwt", this.keyClientId);
		SignedJWT assertion = SignedJWT.parse(assertions().peek());
		assertThat(assertion.getHeader().getKeyID()).isEqualTo(TestKeys.thumbprint(this.firstKey));
	}

	@Test
	void callsWhenClientSecretJwtThenOneTokenRequestAndTwentyCallsTheResourceServerAccepts() throws Exception {
		assertTwentyCallsWithOneToken("csjwt", "csjwt-client");
		assertThat(SignedJWT.parse(assertions().peek()).getHeader().getKeyID()).isNull();
	}

	@Test
	void tokenRequestsWhenHundredThenEveryAssertionHasItsOwnJtiAndTheServerAcceptsEach() throws ParseException {
		TokenCache tokens = this.tokenKeeper.getBean(TokenCache.class);
		for (int i = 0; i < 100; i++) {
			tokens.evict("pkjwt");
			assertThat(tokens.token("pkjwt").block(Duration.ofSeconds(30))).isNotNull();
		}
		assertThat(servers.counter().count(this.keyClientId)).isEqualTo(100);
		Set<String> jtis = new HashSet<>();
		for (String assertion : assertions()) {
			jtis.add(SignedJWT.parse(assertion).getJWTClaimsSet().getJWTID());
		}
		assertThat(jtis).hasSize(100);
	}

	@Test
	void keyFileWhenReplacedWhileRunningThenNextAssertionHasTheNewKidTheServerAcceptsAndJwkSetHoldsBothUntilRetentionPasses()
			throws Exception {
		WebClient webClient = this.tokenKeeper.getBean(WebClient.Builder.class).build();
		assertThat(call(webClient, "pkjwt")).isEqualTo(this.keyClientId);
		KeyPair secondKey = TestKeys.rsa(2048);
		TestKeys.write(this.keyFile, TestKeys.pkcs8(secondKey));
		// no new token request yet: API calls never look at the key
		assertThat(call(webClient, "pkjwt")).isEqualTo(this.keyClientId);
		assertThat(servers.counter().count(this.keyClientId)).isEqualTo(1);
		this.tokenKeeper.getBean(TokenCache.class).evict("pkjwt");
		assertThat(call(webClient, "pkjwt")).isEqualTo(this.keyClientId);
		assertThat(servers.counter().count(this.keyClientId)).isEqualTo(2);
		List<String> sent = List.copyOf(assertions());
		assertThat(SignedJWT.parse(sent.get(1)).getHeader().getKeyID()).isEqualTo(TestKeys.thumbprint(secondKey));
		assertThat(jwkSetKids()).containsExactlyInAnyOrder(TestKeys.thumbprint(this.firstKey), TestKeys.thumbprint(secondKey));
		this.clock.advance(Duration.ofMinutes(59));
		assertThat(jwkSetKids()).containsExactlyInAnyOrder(TestKeys.thumbprint(this.firstKey), TestKeys.thumbprint(secondKey));
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(jwkSetKids()).containsExactly(TestKeys.thumbprint(secondKey));
	}

	@Test
	void sslBundleWhenReloadedWhileRunningThenNextAssertionHasItsKidTheServerAcceptsAndJwkSetHoldsBothUntilRetentionPasses()
			throws Exception {
		SelfSignedCertificate first = SelfSignedCertificate.generate(this.directory, "first", "CN=first");
		SelfSignedCertificate second = SelfSignedCertificate.generate(this.directory, "second", "CN=second");
		String bundleClientId = "bundle-" + this.keyClientId;
		this.tokenKeeper.close();
		Map<String, Object> bundle = new LinkedHashMap<>();
		bundle.put("spring.ssl.bundle.jks.signing.keystore.location", "file:" + first.keyStore());
		bundle.put("spring.ssl.bundle.jks.signing.keystore.password", first.password());
		bundle.put("spring.ssl.bundle.jks.signing.keystore.type", "PKCS12");
		bundle.put("tokenkeeper.clients.pkjwt.jwt.signing-key", null);
		bundle.put("tokenkeeper.clients.pkjwt.jwt.ssl-bundle", "signing");
		bundle.put("tokenkeeper.clients.pkjwt.client-id", bundleClientId);
		this.tokenKeeper = tokenKeeper(bundle);
		registerKeyClient(bundleClientId);
		WebClient webClient = this.tokenKeeper.getBean(WebClient.Builder.class).build();
		assertThat(call(webClient, "pkjwt")).isEqualTo(bundleClientId);
		String firstKid = SignedJWT.parse(assertions().peek()).getHeader().getKeyID();
		// what Boot's reload-on-update does when the key store file changes
		this.tokenKeeper.getBean(SslBundleRegistry.class).updateBundle("signing", bundle(second));
		this.tokenKeeper.getBean(TokenCache.class).evict("pkjwt");
		assertThat(call(webClient, "pkjwt")).isEqualTo(bundleClientId);
		assertThat(servers.counter().count(bundleClientId)).isEqualTo(2);
		String secondKid = SignedJWT.parse(List.copyOf(assertions()).get(1)).getHeader().getKeyID();
		assertThat(secondKid).isNotEqualTo(firstKid);
		assertThat(jwkSetKids()).containsExactlyInAnyOrder(firstKid, secondKid);
		this.clock.advance(Duration.ofMinutes(59));
		assertThat(jwkSetKids()).containsExactlyInAnyOrder(firstKid, secondKid);
		this.clock.advance(Duration.ofMinutes(1));
		assertThat(jwkSetKids()).containsExactly(secondKid);
	}

	private static SslBundle bundle(SelfSignedCertificate certificate) throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(certificate.keyStore())) {
			keyStore.load(in, certificate.password().toCharArray());
		}
		return SslBundle.of(SslStoreBundle.of(keyStore, certificate.password(), null));
	}

	private void assertTwentyCallsWithOneToken(String registration, String clientId) {
		WebClient webClient = this.tokenKeeper.getBean(WebClient.Builder.class).build();
		List<String> subjects = Flux.range(0, 20)
			.concatMap((i) -> webClient.get()
				.uri(servers.api() + "/" + registration + "/whoami")
				.retrieve()
				.bodyToMono(String.class))
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(subjects).hasSize(20).containsOnly(clientId);
		assertThat(servers.counter().counts()).containsExactly(Map.entry(clientId, 1));
		assertThat(assertions()).hasSize(1);
	}

	private static String call(WebClient webClient, String registration) {
		return webClient.get().uri(servers.api() + "/" + registration + "/whoami").retrieve().bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
	}

	private List<String> jwkSetKids() throws ParseException {
		String json = WebClient
			.create("http://127.0.0.1:" + AuthorizationServerAndApi.port(this.tokenKeeper) + JWKS_PATH)
			.get()
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(30));
		JWKSet set = JWKSet.parse(json);
		assertThat(set.getKeys()).allSatisfy((jwk) -> assertThat(jwk.isPrivate()).isFalse());
		return set.getKeys().stream().map(JWK::getKeyID).toList();
	}

	/** TokenKeeper's application; {@code overrides} replace its properties, a {@code null} value removes one. */
	private ConfigurableApplicationContext tokenKeeper(Map<String, Object> overrides) {
		Map<String, Object> properties = AuthorizationServerAndApi.loopbackProperties();
		String tokenUri = servers.issuer() + "/oauth2/token";
		properties.put("tokenkeeper.jwks.path", JWKS_PATH);
		properties.put("tokenkeeper.clients.pkjwt.profile", "post-form");
		properties.put("tokenkeeper.clients.pkjwt.client-authentication", "private-key-jwt");
		properties.put("tokenkeeper.clients.pkjwt.token-uri", tokenUri);
		properties.put("tokenkeeper.clients.pkjwt.client-id", this.keyClientId);
		properties.put("tokenkeeper.clients.pkjwt.jwt.signing-key", "file:" + this.keyFile);
		properties.put("tokenkeeper.clients.pkjwt.scopes", SCOPE);
		properties.put("tokenkeeper.clients.pkjwt.base-urls", servers.api() + "/pkjwt");
		properties.put("tokenkeeper.clients.csjwt.profile", "post-form");
		properties.put("tokenkeeper.clients.csjwt.client-authentication", "client-secret-jwt");
		properties.put("tokenkeeper.clients.csjwt.token-uri", tokenUri);
		properties.put("tokenkeeper.clients.csjwt.client-id", "csjwt-client");
		properties.put("tokenkeeper.clients.csjwt.client-secret", HMAC_SECRET);
		properties.put("tokenkeeper.clients.csjwt.scopes", SCOPE);
		properties.put("tokenkeeper.clients.csjwt.base-urls", servers.api() + "/csjwt");
		properties.put(AutoConfigurationSelection.EXCLUDE_PROPERTY,
				AutoConfigurationSelection.tokenKeeperAnd(PropertyPlaceholderAutoConfiguration.class,
						SslAutoConfiguration.class, JacksonAutoConfiguration.class, CodecsAutoConfiguration.class,
						HttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
						WebClientAutoConfiguration.class, NettyReactiveWebServerAutoConfiguration.class,
						HttpHandlerAutoConfiguration.class, WebFluxAutoConfiguration.class));
		overrides.forEach((name, value) -> {
			if (value == null) {
				properties.remove(name);
			}
			else {
				properties.put(name, value);
			}
		});
		return new SpringApplicationBuilder(TokenKeeperApplication.class).web(WebApplicationType.REACTIVE)
			.properties(properties)
			.initializers((context) -> context.getBeanFactory().registerSingleton("tokenKeeperClock", this.clock))
			.run();
	}

	@SuppressWarnings("unchecked")
	private static Queue<String> assertions() {
		return servers.authorizationServer().getBean(AssertionRecorder.class).assertions;
	}

	private static InMemoryRegisteredClientRepository clients() {
		return servers.authorizationServer().getBean(InMemoryRegisteredClientRepository.class);
	}

	/** The clients: client_secret_jwt from the start, private_key_jwt once TokenKeeper's JWK Set URL is known. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	static class AssertionAuthorizationServer {

		@Bean
		InMemoryRegisteredClientRepository registeredClientRepository() {
			// SAS uses a client_secret_jwt client's secret as the HMAC key as stored: no {noop}
			return new InMemoryRegisteredClientRepository(RegisteredClient.withId(UUID.randomUUID().toString())
				.clientId("csjwt-client")
				.clientSecret(HMAC_SECRET)
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_JWT)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scope(SCOPE)
				.clientSettings(
						ClientSettings.builder().tokenEndpointAuthenticationSigningAlgorithm(MacAlgorithm.HS256).build())
				.build());
		}

		@Bean
		AssertionRecorder assertionRecorder() {
			return new AssertionRecorder();
		}

		@Bean
		FilterRegistrationBean<AssertionRecorder> assertionRecorderRegistration(AssertionRecorder recorder) {
			FilterRegistrationBean<AssertionRecorder> registration = new FilterRegistrationBean<>(recorder);
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
			return registration;
		}

	}

	/** Keeps every {@code client_assertion} the token endpoint receives, in order. */
	static final class AssertionRecorder extends OncePerRequestFilter {

		final Queue<String> assertions = new ConcurrentLinkedQueue<>();

		@Override
		protected boolean shouldNotFilter(HttpServletRequest request) {
			return !"/oauth2/token".equals(request.getRequestURI());
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, java.io.IOException {
			String assertion = request.getParameter("client_assertion");
			if (assertion != null) {
				this.assertions.add(assertion);
			}
			chain.doFilter(request, response);
		}

	}

	/** An application with TokenKeeper's auto-configurations, a WebFlux server and Boot's {@code WebClient.Builder}. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(OwnEventLoops.class)
	static class TokenKeeperApplication {

	}

}
