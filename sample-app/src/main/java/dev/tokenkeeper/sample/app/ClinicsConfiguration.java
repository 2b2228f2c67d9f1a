package dev.tokenkeeper.sample.app;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code GET /clinics}: clients kept in a database (an in-memory H2 here, its table made by
 * {@code clinics-schema.sql}), one per clinic, found by TokenKeeper through
 * {@link ClinicSource} on first use.
 */
@Configuration(proxyBeanMethods = false)
class ClinicsConfiguration {

	@Bean
	ClinicSource clinicSource(JdbcClient jdbc) {
		return new ClinicSource(jdbc);
	}

	/**
	 * The sample's clinics, at the partner stand-ins: rows an integrator's own application
	 * would have written. The partner authorization server knows the same clients. Without
	 * the stand-ins (profile {@code live}) the table stays empty.
	 */
	@Bean
	InitializingBean clinicRows(JdbcClient jdbc, Environment environment) {
		return () -> {
			String authorizationServer = environment.getProperty("sample.partners.authorization-server-url");
			String api = environment.getProperty("sample.partners.api-url");
			if (authorizationServer == null || api == null) {
				return;
			}
			String tokenUri = authorizationServer + "/oauth2/token";
			for (String clinic : new String[] { "clinic-42", "clinic-43" }) {
				jdbc.sql("insert into clinic_client (id, token_uri, client_id, client_secret, base_url) values (?, ?, ?, ?, ?)")
					.params(clinic, tokenUri, clinic + "-client", clinic + "-secret", api + "/" + clinic)
					.update();
			}
		};
	}

}
