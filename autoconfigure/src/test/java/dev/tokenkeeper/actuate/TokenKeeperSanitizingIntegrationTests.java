package dev.tokenkeeper.actuate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.tokenkeeper.test.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A running application that shows every value in {@code /actuator/configprops} and
 * {@code /actuator/env}: TokenKeeper's secrets are masked there all the same.
 */
class TokenKeeperSanitizingIntegrationTests {

	private static final List<String> SECRETS = List.of("Cl1ent-secret-value", "Pr0xy-password-value",
			"RW5jcnlwdGlvbi1rZXktdmFsdWUtMzItYnl0ZXMhISE=", "S1gning-key-value", "Dp0p-key-value",
			"Spr1ng-registration-secret");

	@TempDir
	Path keys;

	private ConfigurableApplicationContext context;

	private WebTestClient actuator;

	@BeforeEach
	void setUp() {
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "server.address=127.0.0.1",
					"management.endpoints.web.exposure.include=configprops,env",
					"management.endpoint.configprops.show-values=always", "management.endpoint.env.show-values=always",
					"management.health.redis.enabled=false", "spring.reactor.netty.shutdown-quiet-period=50ms",
					"tokenkeeper.clients.partner.token-uri=https://auth.example.com/oauth2/token",
					"tokenkeeper.clients.partner.client-id=visible-client-id",
					"tokenkeeper.clients.partner.client-secret=" + SECRETS.get(0),
					"tokenkeeper.clients.partner.proxy.host=proxy.example.com",
					"tokenkeeper.clients.partner.proxy.port=3128",
					"tokenkeeper.clients.partner.proxy.username=proxy-user",
					"tokenkeeper.clients.partner.proxy.password=" + SECRETS.get(1),
					"tokenkeeper.store.redis.encryption-key=" + SECRETS.get(2),
					// a real key file whose path carries the marker: the path itself must not be shown
					"tokenkeeper.clients.signer.token-uri=https://auth.example.com/oauth2/token",
					"tokenkeeper.clients.signer.client-id=signer-client-id",
					"tokenkeeper.clients.signer.client-authentication=private-key-jwt",
					"tokenkeeper.clients.signer.jwt.signing-key=file:" + TestKeys
						.write(this.keys.resolve(SECRETS.get(3) + ".pem"), TestKeys.pkcs8(TestKeys.ec("secp256r1"))),
					"tokenkeeper.clients.partner.dpop.key=" + SECRETS.get(4),
					"spring.security.oauth2.client.registration.spring-partner.client-id=spring-client",
					"spring.security.oauth2.client.registration.spring-partner.client-secret=" + SECRETS.get(5),
					"spring.security.oauth2.client.registration.spring-partner.authorization-grant-type=client_credentials",
					"spring.security.oauth2.client.registration.spring-partner.provider=spring-provider",
					"spring.security.oauth2.client.provider.spring-provider.token-uri=https://auth.example.com/token")
			.run();
		this.actuator = WebTestClient.bindToServer()
			.baseUrl("http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port"))
			// configprops of a whole application is a large document; the machine may be busy
			.responseTimeout(Duration.ofSeconds(60))
			.build();
	}

	@AfterEach
	void tearDown() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/configprops", "/actuator/env", "/actuator/env/tokenkeeper.clients.partner.client-secret" })
	void endpointWhenValuesAreShownThenTokenKeeperSecretsAreMasked(String path) {
		String body = get(path);
		assertThat(body).contains("******");
		for (String secret : SECRETS) {
			assertThat(body).doesNotContain(secret);
		}
		if (!path.endsWith("client-secret")) {
			assertThat(body).as("values are shown").contains("visible-client-id");
		}
	}

	private String get(String path) {
		byte[] body = this.actuator.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBodyContent();
		return new String(body, StandardCharsets.UTF_8);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		// an application's own security: the actuator is open in this test
		@Bean
		SecurityWebFilterChain testSecurity(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().permitAll())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

	}

}
