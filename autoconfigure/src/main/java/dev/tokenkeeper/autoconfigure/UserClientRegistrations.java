package dev.tokenkeeper.autoconfigure;

import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.web.DefaultReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.ReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.util.function.SingletonSupplier;

/**
 * The application's own Spring Security client registrations ({@code oauth2Login} and the
 * like), reactive or servlet, which TokenKeeper leaves to Spring Security's stock manager.
 * Resolved on first use, since they may be defined after TokenKeeper's beans.
 *
 * @author TokenKeeper
 */
public final class UserClientRegistrations {

	private final KnownIds reactiveIds;

	private final KnownIds servletIds;

	private final SingletonSupplier<ReactiveOAuth2AuthorizedClientManager> manager;

	UserClientRegistrations(ObjectProvider<ReactiveClientRegistrationRepository> repository,
			ObjectProvider<ServerOAuth2AuthorizedClientRepository> authorizedClients,
			ObjectProvider<ClientRegistrationRepository> servletRepository) {
		this.reactiveIds = new KnownIds(repository);
		this.servletIds = new KnownIds(servletRepository);
		this.manager = SingletonSupplier.ofNullable(() -> {
			ReactiveClientRegistrationRepository registrations = repository.getIfAvailable();
			if (registrations == null) {
				return null;
			}
			ServerOAuth2AuthorizedClientRepository clients = authorizedClients.getIfAvailable();
			if (clients != null) {
				return new DefaultReactiveOAuth2AuthorizedClientManager(registrations, clients);
			}
			return new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations,
					new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
		});
	}

	/**
	 * Spring Security's stock manager over the application's registrations.
	 * @return the manager, or {@code null} when the application has none
	 */
	public @Nullable ReactiveOAuth2AuthorizedClientManager manager() {
		return this.manager.get();
	}

	/**
	 * Whether the application's own registrations include this id (then a request naming
	 * it is someone else's business). A repository that cannot list its ids is assumed to
	 * know any id.
	 * @param registrationId the id
	 * @return whether it is one of the application's own
	 */
	public boolean contains(String registrationId) {
		return this.reactiveIds.contains(registrationId) || this.servletIds.contains(registrationId);
	}

	/** The ids of one repository, listed once. */
	private static final class KnownIds {

		private final ObjectProvider<?> repository;

		private volatile @Nullable Set<String> ids;

		KnownIds(ObjectProvider<?> repository) {
			this.repository = repository;
		}

		boolean contains(String registrationId) {
			Object registrations = this.repository.getIfAvailable();
			if (registrations == null) {
				return false;
			}
			if (!(registrations instanceof Iterable<?> iterable)) {
				return true;
			}
			Set<String> known = this.ids;
			if (known == null) {
				known = new HashSet<>();
				for (Object registration : iterable) {
					known.add(((ClientRegistration) registration).getRegistrationId());
				}
				this.ids = known;
			}
			return known.contains(registrationId);
		}

	}

}
