package dev.tokenkeeper.sample.partners;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerAutoConfiguration;
import org.springframework.boot.security.oauth2.server.authorization.autoconfigure.servlet.OAuth2AuthorizationServerJwtAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * The partner's authorization server: Spring Authorization Server, configured by Boot from
 * {@code partner-authorization-server.yml} (its registered clients). Servlet-only, so it runs
 * as an application of its own on Tomcat, beside the reactive sample.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, TomcatServletWebServerAutoConfiguration.class,
		DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
		HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class, SecurityAutoConfiguration.class,
		ServletWebSecurityAutoConfiguration.class, SecurityFilterAutoConfiguration.class,
		OAuth2AuthorizationServerAutoConfiguration.class, OAuth2AuthorizationServerJwtAutoConfiguration.class })
public class PartnerAuthorizationServer {

	/** The name of its configuration file, {@code partner-authorization-server.yml}. */
	static final String CONFIG_NAME = "partner-authorization-server";

	@Bean
	TokenRequestCounter tokenRequestCounter() {
		return new TokenRequestCounter();
	}

	@Bean
	FilterRegistrationBean<TokenRequestCounter> tokenRequestCounterRegistration(TokenRequestCounter counter) {
		FilterRegistrationBean<TokenRequestCounter> registration = new FilterRegistrationBean<>(counter);
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

}
