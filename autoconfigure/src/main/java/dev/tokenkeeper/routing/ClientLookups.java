package dev.tokenkeeper.routing;

import java.util.concurrent.CompletableFuture;

/**
 * Finds the clients that requests name but the router does not know yet, for the WebClient
 * filter and the RestClient interceptor alike.
 *
 * @author TokenKeeper
 */
public interface ClientLookups {

	/** Looks nothing up: an unknown id is unknown. */
	ClientLookups NONE = new ClientLookups() {

		@Override
		public boolean needsLookup(String registrationId) {
			return false;
		}

		@Override
		public CompletableFuture<Void> lookup(String registrationId) {
			return CompletableFuture.completedFuture(null);
		}

		@Override
		public void used(String registrationId) {
		}

	};

	/**
	 * Whether a request that names this id must wait for a look-up before it is routed.
	 * @param registrationId the id the request names
	 * @return whether to call {@link #lookup(String)} first
	 */
	boolean needsLookup(String registrationId);

	/**
	 * Look the client up, or join the look-up in flight.
	 * @param registrationId the id
	 * @return completes once the router knows it; completes exceptionally when no client of
	 * that id exists or the look-up failed
	 */
	CompletableFuture<Void> lookup(String registrationId);

	/**
	 * A request is about to get this registration's token: a client that was looked up is not
	 * idle.
	 * @param registrationId the registration id
	 */
	void used(String registrationId);

}
