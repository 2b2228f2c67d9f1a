package dev.tokenkeeper.autoconfigure;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;


import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

import dev.tokenkeeper.assertion.SigningKeys;
import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Client;
import dev.tokenkeeper.cache.TokenCache;
import dev.tokenkeeper.cache.TokenRegistration;
import dev.tokenkeeper.client.TokenKeeperClientLookupException;
import dev.tokenkeeper.client.TokenKeeperClientSource;
import dev.tokenkeeper.client.TokenKeeperClients;
import dev.tokenkeeper.routing.ClientLookups;
import dev.tokenkeeper.routing.TokenRouter;
import dev.tokenkeeper.routing.TokenRoutingException;
import dev.tokenkeeper.token.TokenEndpointClient;

/**
 * The {@code tokenKeeperClients} bean: adds, replaces and removes registrations in the token
 * cache and the router, binding and validating each the way start-up does, and looks up the
 * ids requests name in the application's {@link TokenKeeperClientSource}, if it has one.
 * <p>
 * Changes are serialized (a base URL is checked against those known, then taken); lookups
 * of tokens and routes read concurrent maps and never wait for a change.
 *
 * @author TokenKeeper
 */
final class RuntimeClients implements TokenKeeperClients, ClientLookups {

	private static final Log logger = LogFactory.getLog(RuntimeClients.class);

	private static final String PREFIX = ClientBinder.PREFIX;

	private final TokenCache tokens;

	private final TokenRouter router;

	private final TokenKeeperProperties properties;

	private final Clock clock;

	private final @Nullable SslBundles sslBundles;

	private final Transports transports;

	private final @Nullable TokenKeeperClientSource source;

	private final Scheduler lookupScheduler;

	private final ResourceLoader resources;

	/**
	 * The signing keys of every {@code private-key-jwt} client, configured and run-time, by id:
	 * what the JWK Set publishes.
	 */
	private final Map<String, SigningKeys> signingKeys = new ConcurrentHashMap<>();

	/** What the source answered, per id; {@code null} without a source. */
	private final @Nullable Cache<String, Boolean> found;

	private final Map<String, CompletableFuture<Void>> lookups = new ConcurrentHashMap<>();

	/** The ids the source gave, so that one dropped for idleness is known to be asked again. */
	private final Set<String> sourced = ConcurrentHashMap.newKeySet();

	private final Object changes = new Object();

	RuntimeClients(TokenCache tokens, TokenRouter router, TokenKeeperProperties properties, Clock clock,
			@Nullable SslBundles sslBundles, Transports transports, @Nullable TokenKeeperClientSource source,
			Scheduler lookupScheduler, ResourceLoader resources, Map<String, SigningKeys> configuredSigningKeys) {
		this.tokens = tokens;
		this.signingKeys.putAll(configuredSigningKeys);
		this.resources = resources;
		this.router = router;
		this.properties = properties;
		this.clock = clock;
		this.sslBundles = sslBundles;
		this.transports = transports;
		this.source = source;
		this.lookupScheduler = lookupScheduler;
		TokenKeeperProperties.Runtime runtime = properties.getRuntime();
		this.found = (source != null) ? Caffeine.newBuilder()
			.maximumSize(runtime.getMaximumClients())
			.expireAfterAccess(runtime.getIdleTimeout())
			.ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
			// evictions run on the thread that caused them, so a dropped client is gone before
			// its next use is routed
			.executor(Runnable::run)
			.evictionListener(this::dropped)
			.<String, Boolean>build() : null;
	}

	@Override
	public boolean register(String id, Map<String, ?> properties) {
		boolean replaced = register(id, bind(id, properties));
		Cache<String, Boolean> found = this.found;
		if (found != null) {
			// registered by code, kept until removed
			found.invalidate(id);
			this.sourced.remove(id);
		}
		return replaced;
	}

	/**
	 * Register a configured client (one of {@code tokenkeeper.clients}) again, as after a
	 * configuration refresh: it keeps its id as the {@code client} tag.
	 */
	boolean registerConfigured(String id, Client client) {
		return apply(id, client, null);
	}

	private boolean register(String id, Client client) {
		String group = StringUtils.hasText(client.getGroup()) ? client.getGroup().trim() : null;
		if (group == null) {
			throw new InvalidTokenKeeperConfigurationException(List.of(new Problem(PREFIX + id + ".group",
					"must not be empty")));
		}
		return apply(id, client, group);
	}

	private boolean apply(String id, Client client, @Nullable String group) {
		synchronized (this.changes) {
			TokenKeeperRegistrations.Built built = TokenKeeperRegistrations.validated(id, client, this.properties,
					this.clock, this.sslBundles, this.router);
			TokenRegistration registration = built.registrations().get(0);
			TokenEndpointClient own = this.transports.client(id, client);
			if (own != null) {
				registration = registration.withClient(own);
			}
			boolean replaced = this.tokens.register(registration, group);
			this.router.put(id, built.baseUrls());
			SigningKeys keys = built.signingKeys().get(id);
			if (keys != null) {
				this.signingKeys.put(id, keys);
			}
			else {
				this.signingKeys.remove(id);
			}
			return replaced;
		}
	}

	@Override
	public boolean remove(String id) {
		Cache<String, Boolean> found = this.found;
		if (found != null) {
			found.invalidate(id);
		}
		this.sourced.remove(id);
		return drop(id);
	}

	private boolean drop(String id) {
		synchronized (this.changes) {
			// the router first: no request is routed to a registration the cache no longer has
			boolean routed = this.router.remove(id);
			this.signingKeys.remove(id);
			return this.tokens.remove(id) || routed;
		}
	}

	private void dropped(@Nullable String id, @Nullable Boolean known, RemovalCause cause) {
		if (id != null && Boolean.TRUE.equals(known) && this.sourced.remove(id)) {
			drop(id);
			if (logger.isDebugEnabled()) {
				logger.debug("Dropped TokenKeeper client '" + id + "' found through the TokenKeeperClientSource ("
						+ cause.name().toLowerCase(Locale.ROOT) + "); its next use asks again");
			}
		}
	}

	/**
	 * The signing keys of the {@code private-key-jwt} clients there are now, configured and
	 * registered at run time.
	 * @return a live view
	 */
	Collection<SigningKeys> signingKeys() {
		return this.signingKeys.values();
	}

	@Override
	public boolean contains(String id) {
		return this.tokens.contains(id);
	}

	@Override
	public boolean needsLookup(String registrationId) {
		Cache<String, Boolean> found = this.found;
		if (found == null) {
			return false;
		}
		if (!this.router.isKnown(registrationId)) {
			return true;
		}
		if (this.sourced.contains(registrationId) && found.getIfPresent(registrationId) == null) {
			// idle past its timeout but not yet dropped: drop it now, and ask again
			found.cleanUp();
			return true;
		}
		return false;
	}

	@Override
	public void used(String registrationId) {
		Cache<String, Boolean> found = this.found;
		if (found != null) {
			// a read is what keeps a client found through the source from going idle
			found.getIfPresent(registrationId);
		}
	}

	@Override
	public CompletableFuture<Void> lookup(String registrationId) {
		Cache<String, Boolean> found = this.found;
		TokenKeeperClientSource source = this.source;
		if (found == null || source == null) {
			return CompletableFuture.completedFuture(null);
		}
		Boolean known = found.getIfPresent(registrationId);
		if (Boolean.FALSE.equals(known)) {
			return CompletableFuture.failedFuture(unknown(registrationId));
		}
		if (known != null && this.router.isKnown(registrationId)) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> lookup = new CompletableFuture<>();
		CompletableFuture<Void> inFlight = this.lookups.putIfAbsent(registrationId, lookup);
		if (inFlight != null) {
			return inFlight;
		}
		// A look-up that finished since the check above left its answer before it let go of
		// the in-flight slot: judge again now that this caller holds the slot.
		Boolean answered = found.getIfPresent(registrationId);
		if (Boolean.FALSE.equals(answered) || (answered != null && this.router.isKnown(registrationId))) {
			this.lookups.remove(registrationId, lookup);
			if (answered) {
				lookup.complete(null);
			}
			else {
				lookup.completeExceptionally(unknown(registrationId));
			}
			return lookup;
		}
		this.lookupScheduler.schedule(() -> lookUp(source, found, registrationId, lookup));
		return lookup;
	}

	/** Runs on the look-up scheduler: the source may block. */
	private void lookUp(TokenKeeperClientSource source, Cache<String, Boolean> found, String id,
			CompletableFuture<Void> lookup) {
		try {
			Map<String, ?> properties;
			try {
				properties = source.lookup(id);
			}
			catch (Exception ex) {
				// not kept: the next use asks again
				lookup.completeExceptionally(new TokenKeeperClientLookupException(id, ex));
				return;
			}
			if (properties == null) {
				found.put(id, Boolean.FALSE);
				lookup.completeExceptionally(unknown(id));
				return;
			}
			register(id, bind(id, properties));
			this.sourced.add(id);
			found.put(id, Boolean.TRUE);
			lookup.complete(null);
		}
		catch (RuntimeException ex) {
			lookup.completeExceptionally(ex);
		}
		finally {
			this.lookups.remove(id, lookup);
		}
	}

	private static TokenRoutingException unknown(String id) {
		return new TokenRoutingException("The request names TokenKeeper registration '" + id
				+ "', which is neither configured (tokenkeeper.clients." + id
				+ ") nor known to the application's TokenKeeperClientSource");
	}

	/**
	 * How many clients registered at run time there are, per group.
	 * @param ids the ids to count
	 * @return the counts by group
	 */
	Map<String, Integer> groups(Collection<String> ids) {
		Map<String, Integer> counts = new LinkedHashMap<>();
		for (String id : ids) {
			String group = this.tokens.group(id);
			if (group != null) {
				counts.merge(group, 1, Integer::sum);
			}
		}
		return counts;
	}

	private Client bind(String id, Map<String, ?> properties) {
		return ClientBinder.bind(id, properties, this.resources);
	}

	/** The token endpoint clients of registrations with an SSL bundle or proxy of their own. */
	record Transports(TokenEndpointClient shared, HttpClientSettings settings, ClientHttpConnectorBuilder<?> builder,
			@Nullable SslBundles sslBundles) {

		@Nullable TokenEndpointClient client(String id, Client client) {
			return TokenEndpointTransports.clients(Map.of(id, client), this.shared, this.settings, this.builder,
					this.sslBundles).get(id);
		}

	}

}
