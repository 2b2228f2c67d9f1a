package dev.tokenkeeper.web;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.tokenkeeper.routing.ClientLookups;
import dev.tokenkeeper.routing.TokenRouter;
import dev.tokenkeeper.routing.TokenRoutingException;

/**
 * Which registration's token an outgoing request gets, whatever client sends it: the
 * WebClient filter and the RestClient interceptor ask the same question the same way.
 *
 * @author TokenKeeper
 */
final class TokenSelection {

	private final TokenRouter router;

	private final Predicate<String> othersManage;

	private final ClientLookups lookups;

	/**
	 * Create a selection.
	 * @param router decides which registration a URL or a named id belongs to
	 * @param othersManage whether an id in Spring Security's attribute that TokenKeeper does
	 * not know is someone else's (a user's own {@code ClientRegistration}), to be left alone
	 */
	TokenSelection(TokenRouter router, Predicate<String> othersManage, ClientLookups lookups) {
		this.router = router;
		this.othersManage = othersManage;
		this.lookups = lookups;
	}

	/**
	 * The client a request names that must be looked up before {@link #registrationFor}
	 * can route it.
	 * @param attributes the request attributes
	 * @param hasAuthorization whether the request already carries {@code Authorization}
	 * @return the id to look up, or {@code null}
	 */
	@Nullable String lookupFor(Map<String, Object> attributes, boolean hasAuthorization) {
		if (hasAuthorization) {
			return null;
		}
		String named = TokenKeeperAttributes.namedRegistration(attributes);
		if (named == null || !this.lookups.needsLookup(named)) {
			return null;
		}
		return (!TokenKeeperAttributes.isOurs(attributes) && !this.router.isKnown(named)
				&& this.othersManage.test(named)) ? null : named;
	}

	/**
	 * Wait for the look-up {@link #lookupFor} asked for.
	 * @param registrationId the id
	 * @return its look-up
	 */
	CompletableFuture<Void> lookup(String registrationId) {
		return this.lookups.lookup(registrationId);
	}

	/**
	 * The registration whose token the request gets.
	 * @param url the request URL
	 * @param attributes the request attributes
	 * @param hasAuthorization whether the request already carries {@code Authorization}
	 * @return the registration id, or {@code null} to send the request untouched
	 * @throws TokenRoutingException when the request names a registration that cannot give
	 * it a token
	 */
	@Nullable String registrationFor(URI url, Map<String, Object> attributes, boolean hasAuthorization) {
		if (hasAuthorization) {
			return null;
		}
		String named = TokenKeeperAttributes.namedRegistration(attributes);
		if (named != null && !TokenKeeperAttributes.isOurs(attributes) && !this.router.isKnown(named)
				&& this.othersManage.test(named)) {
			return null;
		}
		String routed = this.router.route(url, named);
		if (routed != null) {
			this.lookups.used(routed);
		}
		return routed;
	}

	/**
	 * Whether a redirect of a request that carries a token keeps it: the router must give
	 * the hop's URL the same registration's token. A registration without base URLs trusts
	 * the URL its code chose, not where that URL redirects, so its token stays on the same
	 * origin.
	 * @param origin the URL the request was made to
	 * @param to the URL of the hop
	 * @param registrationId the registration whose token the request carries
	 * @param attributes the request attributes
	 * @return whether the hop gets the token
	 */
	boolean keepsToken(URI origin, URI to, String registrationId, Map<String, Object> attributes) {
		String named = TokenKeeperAttributes.namedRegistration(attributes);
		String routed;
		try {
			routed = this.router.route(to, named);
		}
		catch (TokenRoutingException ex) {
			return false;
		}
		return registrationId.equals(routed)
				&& (named == null || this.router.hasBaseUrls(named) || RedirectHops.sameOrigin(origin, to));
	}

}
