package dev.tokenkeeper.autoconfigure;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.dpop.DpopAlgorithm;
import dev.tokenkeeper.test.DpopTestKeys;
import dev.tokenkeeper.token.ClientCredentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Start-up with invalid configuration, as a user meets it: a real {@link SpringApplication}
 * fails, the report printed names the exact property, and the secret is nowhere.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenKeeperConfigurationFailureTests {

	private static final String SECRET = "s3cr3t-DO-NOT-PRINT";

	private static final String INVALID = "TokenKeeper's configuration is invalid";

	@Test
	void runWhenValidConfigurationThenStarts(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application().run(betterpt())) {
			assertThat(context.getBean(TokenKeeperRegistrations.class).registrations()).hasSize(1);
		}
		assertThat(output).doesNotContain(SECRET);
	}

	@Test
	void runWhenClientSecretIsMissingThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(candid(), "--tokenkeeper.clients.betterpt.profile=auth0",
				"--tokenkeeper.clients.betterpt.token-uri=https://betterpt-dev.auth0.com/oauth/token",
				"--tokenkeeper.clients.betterpt.client-id=partner",
				"--tokenkeeper.clients.betterpt.audience=https://audience.env/auth");
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.client-secret", "must be set");
	}

	@Test
	void runWhenClientSecretIsBlankThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.client-secret= "));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.client-secret", "must be set");
	}

	@Test
	void runWhenProfileIsUnknownThenFailureNamesThePropertyAndTheProfiles(CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.profile=nope"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.profile",
				"could not be converted to ProviderProfile (one of auth0, basic-form, post-form, candid-json");
		assertThat(output).doesNotContain("nope");
	}

	@Test
	void runWhenAuth0HasNoAudienceThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run("--tokenkeeper.clients.betterpt.profile=auth0",
				"--tokenkeeper.clients.betterpt.token-uri=https://betterpt-dev.auth0.com/oauth/token",
				"--tokenkeeper.clients.betterpt.client-id=partner",
				"--tokenkeeper.clients.betterpt.client-secret=" + SECRET);
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.audience", "must be set for profile auth0");
	}

	@Test
	void runWhenTokenUriIsPlainHttpToARemoteHostThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(
				betterpt("--tokenkeeper.clients.betterpt.token-uri=http://betterpt-dev.auth0.com/oauth/token"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.token-uri", "must use https");
	}

	@Test
	void runWhenTokenUriIsPlainHttpToLoopbackThenStarts(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application()
			.run(betterpt("--tokenkeeper.clients.betterpt.token-uri=http://127.0.0.1:8089/oauth/token"))) {
			assertThat(context.getBean(TokenKeeperRegistrations.class).registrations()).hasSize(1);
		}
	}

	@Test
	void runWhenTokenUriCarriesTheSecretAsUserInfoThenFailureDoesNotPrintIt(CapturedOutput output) {
		Throwable failure = run(betterpt(
				"--tokenkeeper.clients.betterpt.token-uri=https://partner:" + SECRET + "@betterpt-dev.auth0.com/oauth/token"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.token-uri", "must not carry user-info");
	}

	@Test
	void runWhenBothTokenUriAndIssuerUriAreSetThenFailureNamesIssuerUri(CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.issuer-uri=https://betterpt-dev.auth0.com/"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.issuer-uri",
				"must not be set together with token-uri; set one of them");
	}

	@Test
	void runWhenIssuerUriIsPlainHttpToARemoteHostThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.token-uri=",
				"--tokenkeeper.clients.betterpt.issuer-uri=http://betterpt-dev.auth0.com/"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.issuer-uri", "must use https");
	}

	@Test
	void runWhenIssuerUriHasAQueryThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.token-uri=",
				"--tokenkeeper.clients.betterpt.issuer-uri=https://betterpt-dev.auth0.com/?tenant=" + SECRET));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.issuer-uri", "must not have a query or fragment");
	}

	@Test
	void runWhenIssuerUriReplacesTokenUriThenStartsWithoutLookingItUp(CapturedOutput output) {
		// nothing listens on the issuer: discovery waits for the first token request
		try (ConfigurableApplicationContext context = application().run(betterpt(
				"--tokenkeeper.clients.betterpt.token-uri=", "--tokenkeeper.clients.betterpt.issuer-uri=https://127.0.0.1:1/"))) {
			assertThat(context.getBean(TokenKeeperRegistrations.class).registrations()).hasSize(1);
		}
	}

	@Test
	void runWhenBaseUrlIsPlainHttpToARemoteHostThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.base-urls=http://api.x.com/v0"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.base-urls[0]", "must use https");
	}

	@Test
	void runWhenTwoRegistrationsShareABaseUrlThenFailureNamesTheSecond(CapturedOutput output) {
		// spelled differently, the same base URL once normalised
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.base-urls=https://api.x.com/v0"),
				"--tokenkeeper.clients.bookable.profile=auth0",
				"--tokenkeeper.clients.bookable.token-uri=https://bookabletech.uk.auth0.com/oauth/token",
				"--tokenkeeper.clients.bookable.client-id=bookable",
				"--tokenkeeper.clients.bookable.client-secret=" + SECRET,
				"--tokenkeeper.clients.bookable.audience=api.bookabletech.com",
				"--tokenkeeper.clients.bookable.base-urls=HTTPS://API.X.COM:443/v0/");
		InvalidTokenKeeperConfigurationException invalid = invalid(failure);
		assertThat(invalid.getProblems()).hasSize(1);
		Problem problem = invalid.getProblems().get(0);
		assertThat(problem.property()).isIn("tokenkeeper.clients.bookable.base-urls[0]",
				"tokenkeeper.clients.betterpt.base-urls[0]");
		assertThat(problem.reason()).contains("two registrations may not share a base URL");
		assertInvalid(failure, output, problem.property(), "two registrations may not share a base URL");
	}

	@Test
	void runWhenAdditionalParametersRepeatClientIdThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.additional-parameters[client_id]=other"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.additional-parameters.client_id",
				"repeats a field TokenKeeper sends itself");
	}

	@Test
	void runWhenAdditionalParametersRepeatClientIdWithoutBracketsThenFailureNamesTheProperty(
			CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.additional-parameters.client_id=other"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.additional-parameters.client_id",
				"repeats a field TokenKeeper sends itself");
	}

	@ParameterizedTest
	@ValueSource(strings = { "grant_type", "client_secret", "audience", "scope" })
	void runWhenAdditionalParametersRepeatAFieldTokenKeeperSendsThenFailureNamesThePropertyNotTheValue(String field,
			CapturedOutput output) {
		// The value is the secret: a report that quoted it would print it.
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.additional-parameters[" + field + "]=" + SECRET));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.additional-parameters." + field,
				"repeats a field TokenKeeper sends itself");
	}

	@Test
	void runWhenTokenUriIsMissingThenFailureNamesTheProperty(CapturedOutput output) {
		String[] withoutTokenUri = Stream.of(betterpt())
			.filter((arg) -> !arg.startsWith("--tokenkeeper.clients.betterpt.token-uri="))
			.toArray(String[]::new);
		Throwable failure = run(withoutTokenUri);
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.token-uri", "must be set");
	}

	@Test
	void runWhenCandidJsonHasScopesThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(candid("--tokenkeeper.clients.candid.scopes=read,write"));
		assertInvalid(failure, output, "tokenkeeper.clients.candid.scopes", "are not sent by profile candid-json");
	}

	@Test
	void runWhenCandidJsonHasAudienceThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(candid("--tokenkeeper.clients.candid.audience=https://api.joincandidhealth.com"));
		assertInvalid(failure, output, "tokenkeeper.clients.candid.audience", "is not sent by profile candid-json");
	}

	@Test
	void runWhenSeveralPropertiesAreInvalidThenEveryOneIsReported(CapturedOutput output) {
		Throwable failure = run("--tokenkeeper.clients.betterpt.profile=auth0",
				"--tokenkeeper.clients.betterpt.token-uri=http://betterpt-dev.auth0.com/oauth/token",
				"--tokenkeeper.clients.betterpt.client-secret=" + SECRET,
				"--tokenkeeper.clients.betterpt.refresh-ahead=1.5");
		InvalidTokenKeeperConfigurationException invalid = invalid(failure);
		assertThat(invalid.getProblems()).extracting(Problem::property)
			.containsExactlyInAnyOrder("tokenkeeper.clients.betterpt.token-uri",
					"tokenkeeper.clients.betterpt.client-id", "tokenkeeper.clients.betterpt.audience",
					"tokenkeeper.clients.betterpt.refresh-ahead");
		assertThat(output).contains(INVALID)
			.contains("tokenkeeper.clients.betterpt.token-uri")
			.contains("tokenkeeper.clients.betterpt.client-id")
			.contains("tokenkeeper.clients.betterpt.audience")
			.contains("tokenkeeper.clients.betterpt.refresh-ahead");
		assertNoSecret(failure, output);
	}

	@Test
	void runWhenDisabledThenInvalidRegistrationsAreNotValidated(CapturedOutput output) {
		try (ConfigurableApplicationContext context = application().run("--tokenkeeper.enabled=false",
				"--tokenkeeper.clients.betterpt.client-secret=" + SECRET)) {
			assertThat(context.getBeansOfType(TokenKeeperRegistrations.class)).isEmpty();
		}
		assertThat(output).doesNotContain(SECRET);
	}

	@Test
	void runWhenDpopKeyCannotBeReadThenFailureNamesTheProperty(CapturedOutput output) {
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.dpop.enabled=true",
				"--tokenkeeper.clients.betterpt.dpop.key=file:/nonexistent/dpop.pem"));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.dpop.key", "cannot be read");
	}

	@Test
	void runWhenDpopKeyIsNotAPrivateKeyThenFailureNamesTheKeyProperty(@TempDir Path dir, CapturedOutput output)
			throws IOException {
		Path file = Files.writeString(dir.resolve("dpop.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.dpop.enabled=true",
				"--tokenkeeper.clients.betterpt.dpop.key=file:" + file));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.dpop.key", "holds no PEM private key");
	}

	@Test
	void runWhenDpopKeyDoesNotFitTheAlgorithmThenFailureNamesTheAlgorithmWithoutKeyMaterial(@TempDir Path dir,
			CapturedOutput output) {
		KeyPair rsa = DpopTestKeys.keyPair("RSA");
		String key = DpopTestKeys.write(rsa, dir.resolve("dpop.pem"));
		Throwable failure = run(betterpt("--tokenkeeper.clients.betterpt.dpop.enabled=true",
				"--tokenkeeper.clients.betterpt.dpop.key=" + key));
		assertInvalid(failure, output, "tokenkeeper.clients.betterpt.dpop.algorithm", "ES256 needs an EC P-256 key");
		String base64 = Base64.getEncoder().encodeToString(rsa.getPrivate().getEncoded());
		for (int i = 0; i + 40 <= base64.length(); i += 40) {
			assertThat(output).doesNotContain(base64.substring(i, i + 40));
			assertThat(stackTrace(failure)).doesNotContain(base64.substring(i, i + 40));
		}
	}

	@Test
	void runWhenDpopKeyFitsThenStartsWithThatKey(@TempDir Path dir, CapturedOutput output) {
		String key = DpopTestKeys.write(DpopTestKeys.keyPair("Ed25519"), dir.resolve("dpop.pem"));
		try (ConfigurableApplicationContext context = application().run(betterpt(
				"--tokenkeeper.clients.betterpt.dpop.enabled=true", "--tokenkeeper.clients.betterpt.dpop.algorithm=EdDSA",
				"--tokenkeeper.clients.betterpt.dpop.key=" + key))) {
			ClientCredentials credentials = context.getBean(TokenKeeperRegistrations.class)
				.registrations()
				.get(0)
				.credentials()
				.get();
			assertThat(credentials.dpop().key().algorithm()).isEqualTo(DpopAlgorithm.EDDSA);
			assertThat(credentials.dpop().key().isGenerated()).isFalse();
		}
		assertThat(output).doesNotContain(SECRET);
	}

	private static void assertInvalid(Throwable failure, CapturedOutput output, String property, String reason) {
		InvalidTokenKeeperConfigurationException invalid = invalid(failure);
		assertThat(invalid.getProblems()).contains(invalid.getProblems().stream()
			.filter((problem) -> problem.property().equals(property))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No problem reported for " + property + " in "
					+ invalid.getProblems())));
		assertThat(invalid.getProblems()).filteredOn((problem) -> problem.property().equals(property))
			.allSatisfy((problem) -> assertThat(problem.reason()).contains(reason));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains(INVALID)
			.contains("Property: " + property)
			.contains(reason);
		assertNoSecret(failure, output);
	}

	private static InvalidTokenKeeperConfigurationException invalid(Throwable failure) {
		assertThat(failure).as("start-up failure").isNotNull();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			if (ex instanceof InvalidTokenKeeperConfigurationException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("No InvalidTokenKeeperConfigurationException in " + stackTrace(failure));
	}

	private static void assertNoSecret(Throwable failure, CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain(SECRET);
		assertThat(stackTrace(failure)).doesNotContain(SECRET);
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			assertThat(String.valueOf(ex.getMessage())).doesNotContain(SECRET);
		}
	}

	private static String stackTrace(Throwable failure) {
		StringWriter trace = new StringWriter();
		failure.printStackTrace(new PrintWriter(trace));
		return trace.toString();
	}

	private static Throwable run(String[] args, String... more) {
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(List.of(more));
		return run(all.toArray(String[]::new));
	}

	private static Throwable run(String... args) {
		return catchThrowable(() -> application().run(args).close());
	}

	/** A valid Auth0 registration; {@code overrides} replace or add properties. */
	private static String[] betterpt(String... overrides) {
		return merge(new String[] { "--tokenkeeper.clients.betterpt.profile=auth0",
				"--tokenkeeper.clients.betterpt.token-uri=https://betterpt-dev.auth0.com/oauth/token",
				"--tokenkeeper.clients.betterpt.client-id=partner",
				"--tokenkeeper.clients.betterpt.client-secret=" + SECRET,
				"--tokenkeeper.clients.betterpt.audience=https://audience.env/auth",
				"--tokenkeeper.clients.betterpt.base-urls=https://api-staging-k8s.betterpt.com/v0" }, overrides);
	}

	/** A valid Candid registration; {@code overrides} replace or add properties. */
	private static String[] candid(String... overrides) {
		return merge(new String[] { "--tokenkeeper.clients.candid.profile=candid-json",
				"--tokenkeeper.clients.candid.token-uri=https://api.joincandidhealth.com/api/auth/v2/token",
				"--tokenkeeper.clients.candid.client-id=candid",
				"--tokenkeeper.clients.candid.client-secret=" + SECRET,
				"--tokenkeeper.clients.candid.base-urls=https://api.joincandidhealth.com/api" }, overrides);
	}

	private static String[] merge(String[] defaults, String[] overrides) {
		List<String> args = new ArrayList<>();
		for (String arg : defaults) {
			String name = arg.substring(0, arg.indexOf('='));
			boolean overridden = false;
			for (String override : overrides) {
				overridden |= override.startsWith(name + "=");
			}
			if (!overridden) {
				args.add(arg);
			}
		}
		args.addAll(List.of(overrides));
		return args.toArray(String[]::new);
	}

	private static SpringApplication application() {
		SpringApplication application = new SpringApplication(TestApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		return application;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
			TokenKeeperAutoConfiguration.class, TokenKeeperWebClientAutoConfiguration.class })
	static class TestApplication {

	}

}
