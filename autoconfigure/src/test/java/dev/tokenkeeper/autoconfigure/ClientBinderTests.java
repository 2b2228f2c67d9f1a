package dev.tokenkeeper.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.ResourceLoader;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Client;
import dev.tokenkeeper.token.ClientAuthentication;
import dev.tokenkeeper.token.ProviderProfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ClientBinder}, the one binder of {@code tokenkeeper.clients} and of clients
 * registered at run time, against Boot's own {@link Binder} as the reference: for the same
 * environment both make the same {@code Client}, property by property, nested objects,
 * lists and maps included.
 */
class ClientBinderTests {

	private static final ResourceLoader RESOURCES = new DefaultResourceLoader();

	/** Every property of a client, as an {@code application.yml} has them. */
	private static Map<String, Object> everyProperty() {
		Map<String, Object> yaml = new LinkedHashMap<>();
		String prefix = "tokenkeeper.clients.partner.";
		yaml.put(prefix + "profile", "auth0");
		yaml.put(prefix + "token-uri", "https://partner.example.com/oauth/token");
		yaml.put(prefix + "issuer-uri", "https://partner.example.com");
		yaml.put(prefix + "client-id", "partner-client");
		yaml.put(prefix + "client-secret", "partner-secret");
		yaml.put(prefix + "client-authentication", "CLIENT_SECRET_JWT");
		yaml.put(prefix + "jwt.signing-key", "file:/run/secrets/signing.pem");
		yaml.put(prefix + "jwt.next-signing-key", "file:/run/secrets/next.pem");
		yaml.put(prefix + "jwt.ssl-bundle", "signing");
		yaml.put(prefix + "jwt.key-alias", "alias");
		yaml.put(prefix + "jwt.key-id", "kid-1");
		yaml.put(prefix + "jwt.algorithm", "PS256");
		yaml.put(prefix + "jwt.lifetime", "2m");
		yaml.put(prefix + "jwt.audience", "https://partner.example.com/token");
		yaml.put(prefix + "audience", "https://api.partner.example.com");
		yaml.put(prefix + "scopes[0]", "claims:read");
		yaml.put(prefix + "scopes[1]", "claims:write");
		yaml.put(prefix + "additional-parameters.resource", "https://api.partner.example.com");
		yaml.put(prefix + "additional-parameters.[tenant.id]", "t-1");
		yaml.put(prefix + "base-urls", "https://api.partner.example.com/v1, https://files.partner.example.com");
		yaml.put(prefix + "expiry-skew", "30s");
		yaml.put(prefix + "refresh-ahead", "0.75");
		yaml.put(prefix + "default-lifetime", "PT10M");
		yaml.put(prefix + "retry.max-attempts", "5");
		yaml.put(prefix + "retry.initial-backoff", "100ms");
		yaml.put(prefix + "retry.max-backoff", "1s");
		yaml.put(prefix + "retry.failure-cool-down", "3s");
		yaml.put(prefix + "retry.max-failure-cool-down", "2m");
		yaml.put(prefix + "ssl-bundle", "partner-tls");
		yaml.put(prefix + "group", "clinics");
		yaml.put(prefix + "proxy.host", "proxy.example.com");
		yaml.put(prefix + "proxy.port", "3128");
		yaml.put(prefix + "proxy.username", "proxy-user");
		yaml.put(prefix + "proxy.password", "proxy-password");
		yaml.put(prefix + "dpop.enabled", "true");
		yaml.put(prefix + "dpop.algorithm", "es384");
		yaml.put(prefix + "dpop.key", "file:/run/secrets/dpop.pem");
		return yaml;
	}

	private static StandardEnvironment environment(Map<String, Object> yaml) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addLast(new MapPropertySource("application.yml", yaml));
		return environment;
	}

	private static Client boots(StandardEnvironment environment, String id) {
		return Binder.get(environment)
			.bind("tokenkeeper.clients", Bindable.mapOf(String.class, Client.class))
			.get()
			.get(id);
	}

	private static Client ours(StandardEnvironment environment, String id) {
		ClientBinder.Configured configured = ClientBinder.configured(environment, RESOURCES);
		assertThat(configured.invalid()).isEmpty();
		return configured.clients().get(id).client();
	}

	@Test
	void configuredWhenEveryPropertyIsSetThenClientIsTheOneBootsBinderMakes() {
		StandardEnvironment environment = environment(everyProperty());
		Client client = ours(environment, "partner");
		assertThat(client).usingRecursiveComparison().isEqualTo(boots(environment, "partner"));
		// and what it is, so that a binder that dropped everything would not pass as "equal"
		assertThat(client.getProfile()).isEqualTo(ProviderProfile.AUTH0);
		assertThat(client.getClientAuthentication()).isEqualTo(ClientAuthentication.CLIENT_SECRET_JWT);
		assertThat(client.getScopes()).containsExactly("claims:read", "claims:write");
		assertThat(client.getBaseUrls()).containsExactly("https://api.partner.example.com/v1",
				"https://files.partner.example.com");
		assertThat(client.getAdditionalParameters()).containsExactly(
				Map.entry("resource", "https://api.partner.example.com"), Map.entry("tenant.id", "t-1"));
		assertThat(client.getExpirySkew()).isEqualTo(Duration.ofSeconds(30));
		assertThat(client.getRefreshAhead()).isEqualTo(0.75);
		assertThat(client.getRetry().getMaxAttempts()).isEqualTo(5);
		assertThat(client.getJwt().getLifetime()).isEqualTo(Duration.ofMinutes(2));
		assertThat(client.getProxy().getPort()).isEqualTo(3128);
		assertThat(client.getDpop().isEnabled()).isTrue();
		assertThat(client.getDpop().getKey().getDescription()).contains("/run/secrets/dpop.pem");
	}

	@Test
	void configuredWhenNothingButCredentialsThenDefaultsAreBootsToo() {
		Map<String, Object> yaml = new LinkedHashMap<>();
		yaml.put("tokenkeeper.clients.candid.profile", "candid-json");
		yaml.put("tokenkeeper.clients.candid.token-uri", "https://api.joincandidhealth.com/api/auth/v2/token");
		yaml.put("tokenkeeper.clients.candid.client-id", "id");
		yaml.put("tokenkeeper.clients.candid.client-secret", "secret");
		StandardEnvironment environment = environment(yaml);
		assertThat(ours(environment, "candid")).usingRecursiveComparison().isEqualTo(boots(environment, "candid"));
	}

	@Test
	void configuredWhenEnvironmentVariablesOverrideInEveryFormBootKnowsThenTheySet() {
		Map<String, Object> yaml = everyProperty();
		StandardEnvironment environment = environment(yaml);
		Map<String, Object> variables = new LinkedHashMap<>();
		variables.put("TOKENKEEPER_CLIENTS_PARTNER_CLIENTSECRET", "from-the-environment");
		// the legacy form, an underscore for a dash
		variables.put("TOKENKEEPER_CLIENTS_PARTNER_CLIENT_ID", "id-from-the-environment");
		variables.put("TOKENKEEPER_CLIENTS_PARTNER_RETRY_MAXATTEMPTS", "7");
		variables.put("TOKENKEEPER_CLIENTS_PARTNER_SCOPES_0_", "only:this");
		variables.put("TOKENKEEPER_CLIENTS_PARTNER_ADDITIONALPARAMETERS_ORGANIZATION", "org-1");
		// a client that only the environment has
		variables.put("TOKENKEEPER_CLIENTS_CANVAS_PROFILE", "POST_FORM");
		variables.put("TOKENKEEPER_CLIENTS_CANVAS_TOKENURI", "https://canvas.example.com/auth/token/");
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					variables));
		Client partner = ours(environment, "partner");
		assertThat(partner).usingRecursiveComparison().isEqualTo(boots(environment, "partner"));
		assertThat(partner.getClientSecret()).isEqualTo("from-the-environment");
		assertThat(partner.getClientId()).isEqualTo("id-from-the-environment");
		assertThat(partner.getRetry().getMaxAttempts()).isEqualTo(7);
		assertThat(partner.getScopes()).containsExactly("only:this");
		assertThat(partner.getAdditionalParameters()).containsEntry("organization", "org-1")
			.containsEntry("resource", "https://api.partner.example.com");
		Client canvas = ours(environment, "canvas");
		assertThat(canvas).usingRecursiveComparison().isEqualTo(boots(environment, "canvas"));
		assertThat(canvas.getProfile()).isEqualTo(ProviderProfile.POST_FORM);
	}

	@Test
	void configuredWhenEnumsAndListsAreSpelledAnyWayBootTakesThenTheSame() {
		for (String[] spelling : new String[][] { { "postForm", " http://127.0.0.1:9/a , http://127.0.0.1:9/b" },
				{ "POST_FORM", "http://127.0.0.1:9/a,,http://127.0.0.1:9/b," }, { " Post-Form ", "http://127.0.0.1:9/a" },
				{ "candid_json", "" }, { "SmartBackend", " " } }) {
			Map<String, Object> yaml = new LinkedHashMap<>();
			yaml.put("tokenkeeper.clients.partner.profile", spelling[0]);
			yaml.put("tokenkeeper.clients.partner.base-urls", spelling[1]);
			yaml.put("tokenkeeper.clients.partner.dpop.algorithm", spelling[0].startsWith("p") ? "EdDSA" : "eddsa");
			StandardEnvironment environment = environment(yaml);
			assertThat(ours(environment, "partner")).as(String.join(" | ", spelling))
				.usingRecursiveComparison()
				.isEqualTo(boots(environment, "partner"));
		}
	}

	@Test
	void configuredWhenValuesHavePlaceholdersThenTheEnvironmentResolvesThem() {
		Map<String, Object> yaml = everyProperty();
		yaml.put("partner.secret", "resolved-secret");
		yaml.put("tokenkeeper.clients.partner.client-secret", "${partner.secret}");
		yaml.put("tokenkeeper.clients.partner.expiry-skew", "${partner.skew:45s}");
		StandardEnvironment environment = environment(yaml);
		Client client = ours(environment, "partner");
		assertThat(client).usingRecursiveComparison().isEqualTo(boots(environment, "partner"));
		assertThat(client.getClientSecret()).isEqualTo("resolved-secret");
		assertThat(client.getExpirySkew()).isEqualTo(Duration.ofSeconds(45));
	}

	@Test
	void configuredWhenAValueCannotBeConvertedThenProblemNamesThePropertyNotTheValue() {
		Map<String, Object> yaml = everyProperty();
		yaml.put("tokenkeeper.clients.partner.expiry-skew", "s3cr3t-looking");
		yaml.put("tokenkeeper.clients.partner.dpop.algorithm", "hs256-s3cr3t");
		ClientBinder.Configured configured = ClientBinder.configured(environment(yaml), RESOURCES);
		assertThat(configured.clients()).isEmpty();
		assertThat(configured.problems()).containsExactlyInAnyOrder(
				new Problem("tokenkeeper.clients.partner.expiry-skew", "could not be converted to Duration"),
				new Problem("tokenkeeper.clients.partner.dpop.algorithm",
						"could not be converted to DpopAlgorithm (one of es256, es384, rs256, ps256, eddsa)"));
		assertThat(configured.problems().toString()).doesNotContain("s3cr3t");
	}

	@Test
	void bindWhenRunTimePropertiesAreTheYamlOnesThenClientIsTheSame() {
		StandardEnvironment environment = environment(everyProperty());
		Map<String, Object> properties = new LinkedHashMap<>();
		everyProperty().forEach((name, value) -> {
			String relative = name.substring("tokenkeeper.clients.partner.".length());
			if (!relative.startsWith("scopes[") && !relative.startsWith("additional-parameters.")
					&& !relative.startsWith("jwt.") && !relative.startsWith("retry.")) {
				properties.put(relative, value);
			}
		});
		// as code or a database hands them over: a List, nested maps, a map of parameters
		properties.put("scopes", List.of("claims:read", "claims:write"));
		properties.put("additional-parameters",
				Map.of("resource", "https://api.partner.example.com", "[tenant.id]", "t-1"));
		Map<String, Object> jwt = new LinkedHashMap<>();
		everyProperty().forEach((name, value) -> {
			if (name.startsWith("tokenkeeper.clients.partner.jwt.")) {
				jwt.put(name.substring("tokenkeeper.clients.partner.jwt.".length()), value);
			}
		});
		properties.put("jwt", jwt);
		properties.put("retry", Map.of("max-attempts", 5, "initial-backoff", Duration.ofMillis(100), "max-backoff", "1s",
				"failure-cool-down", "3s", "max-failure-cool-down", "2m"));
		Client client = ClientBinder.bind("partner", properties, RESOURCES);
		assertThat(client).usingRecursiveComparison().isEqualTo(boots(environment, "partner"));
	}

	@Test
	void bindWhenANameIsNotAPropertyThenEveryUnknownOneIsNamedAndNothingIsBound() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("token-uri", "https://partner.example.com/oauth/token");
		properties.put("client-secrte", "secret");
		properties.put("retry", Map.of("max-atempts", 3));
		assertThatExceptionOfType(InvalidTokenKeeperConfigurationException.class)
			.isThrownBy(() -> ClientBinder.bind("partner", properties, RESOURCES))
			.satisfies((ex) -> assertThat(ex.getProblems()).containsExactlyInAnyOrder(
					new Problem("tokenkeeper.clients.partner.client-secrte", "is not a property of a TokenKeeper client"),
					new Problem("tokenkeeper.clients.partner.retry.max-atempts",
							"is not a property of a TokenKeeper client")))
			.withMessageNotContaining("secret\"")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("=secret"));
	}

	@Test
	void bindWhenAListIsGivenForOneValueThenProblemNamesIt() {
		assertThatExceptionOfType(InvalidTokenKeeperConfigurationException.class)
			.isThrownBy(() -> ClientBinder.bind("partner", Map.of("client-id", List.of("a", "b")), RESOURCES))
			.satisfies((ex) -> assertThat(ex.getProblems()).containsExactly(
					new Problem("tokenkeeper.clients.partner.client-id", "could not be converted to String")));
	}

}
