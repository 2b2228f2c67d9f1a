package dev.tokenkeeper.autoconfigure;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.util.ClassUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Spring Security's stock servlet manager over the application's own registrations, the one
 * Spring Security would have registered had TokenKeeper's manager bean not existed: a
 * {@code DefaultOAuth2AuthorizedClientManager} when the application keeps authorized clients
 * per request (servlet security, e.g. {@code oauth2Login}), else one over its
 * {@code OAuth2AuthorizedClientService}. Built on first use.
 *
 * @author TokenKeeper
 */
final class UserServletClientManager {

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			UserServletClientManager.class.getClassLoader());

	private UserServletClientManager() {
	}

	static Supplier<@Nullable OAuth2AuthorizedClientManager> of(ObjectProvider<ClientRegistrationRepository> repository,
			ObjectProvider<OAuth2AuthorizedClientService> authorizedClientService, BeanFactory beanFactory) {
		return SingletonSupplier.ofNullable(() -> {
			ClientRegistrationRepository registrations = repository.getIfAvailable();
			if (registrations == null) {
				return null;
			}
			// referenced only when the servlet API is there: the default manager reads requests
			OAuth2AuthorizedClientManager perRequest = SERVLET_PRESENT ? PerRequest.manager(registrations, beanFactory)
					: null;
			if (perRequest != null) {
				return perRequest;
			}
			OAuth2AuthorizedClientService service = authorizedClientService
				.getIfAvailable(() -> new InMemoryOAuth2AuthorizedClientService(registrations));
			return new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, service);
		});
	}

	private static final class PerRequest {

		static @Nullable OAuth2AuthorizedClientManager manager(ClientRegistrationRepository registrations,
				BeanFactory beanFactory) {
			OAuth2AuthorizedClientRepository authorizedClients = beanFactory
				.getBeanProvider(OAuth2AuthorizedClientRepository.class)
				.getIfUnique();
			return (authorizedClients != null)
					? new DefaultOAuth2AuthorizedClientManager(registrations, authorizedClients) : null;
		}

	}

}
