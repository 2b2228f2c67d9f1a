package dev.tokenkeeper.client;

/**
 * The failure of both managers for an id that neither TokenKeeper nor the application's
 * own Spring Security registrations know.
 *
 * @author TokenKeeper
 */
final class UnknownRegistration {

	private UnknownRegistration() {
	}

	static IllegalArgumentException exception(String registrationId) {
		return new IllegalArgumentException("Could not find ClientRegistration with id '" + registrationId
				+ "': it is neither a TokenKeeper registration (tokenkeeper.clients." + registrationId
				+ ") nor one of spring.security.oauth2.client.registration");
	}

}
