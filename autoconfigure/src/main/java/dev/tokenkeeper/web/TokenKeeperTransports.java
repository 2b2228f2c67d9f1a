package dev.tokenkeeper.web;

import java.io.IOException;
import java.net.URI;
import java.util.function.Function;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.AbstractClientHttpRequestFactoryWrapper;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.util.function.SingletonSupplier;

/**
 * Transports that send requests carrying a TokenKeeper token without following redirects,
 * and every other request as before. TokenKeeper's filter and interceptor follow the
 * redirects of their requests themselves, so that each hop gets the token only where the
 * router would give it one; a transport that followed them would carry the
 * {@code Authorization} header to wherever the {@code Location} points.
 * <p>
 * Spring Boot's {@code ClientHttpConnectorBuilder} and {@code ClientHttpRequestFactoryBuilder}
 * beans build such transports already (so Boot's {@code WebClient.Builder},
 * {@code RestClient.Builder}, {@code RestTemplateBuilder} and HTTP service clients use them).
 * A client with a connector or request factory of its own needs one of these:
 * <pre class="code">
 * WebClient.builder()
 *     .clientConnector(TokenKeeperTransports.connector(myConnector, () -&gt; myConnectorWithoutRedirects))
 *     .filter(tokenKeeperExchangeFilterFunction)
 *     .build();
 * </pre>
 * or a connector that does not follow redirects at all.
 *
 * @author TokenKeeper
 */
public final class TokenKeeperTransports {

	/** The Reactor Context key of a request the filter marked. */
	private static final String MARK = TokenKeeperTransports.class.getName() + ".noRedirects";

	/** The RestClient interceptor runs on the thread the request factory creates the request on. */
	private static final ThreadLocal<Boolean> marked = new ThreadLocal<>();

	private TokenKeeperTransports() {
	}

	/**
	 * A connector that sends the requests TokenKeeper marked through {@code notFollowing}
	 * and all others through {@code following}.
	 * @param following the connector for other requests, typically one that follows redirects
	 * @param notFollowing the connector for requests with a token, which must not follow
	 * redirects; created on first use
	 * @return the connector
	 */
	public static ClientHttpConnector connector(ClientHttpConnector following,
			Supplier<? extends ClientHttpConnector> notFollowing) {
		return new Connector(following, SingletonSupplier.of(notFollowing::get));
	}

	/**
	 * A request factory that creates the requests TokenKeeper marked with {@code notFollowing}
	 * and all others with {@code following}.
	 * @param following the factory for other requests, typically one that follows redirects
	 * @param notFollowing the factory for requests with a token, which must not follow
	 * redirects; created on first use
	 * @return the request factory
	 */
	public static ClientHttpRequestFactory requestFactory(ClientHttpRequestFactory following,
			Supplier<? extends ClientHttpRequestFactory> notFollowing) {
		return new RequestFactory(following, SingletonSupplier.of(notFollowing::get));
	}

	/** The exchange, sent through a connector's no-redirect side. */
	static <T> Mono<T> marked(Mono<T> exchange) {
		return exchange.contextWrite(Context.of(MARK, Boolean.TRUE));
	}

	/** The execution, with requests created by a request factory's no-redirect side. */
	static ClientHttpResponse marked(Execution execution) throws IOException {
		Boolean before = marked.get();
		marked.set(Boolean.TRUE);
		try {
			return execution.execute();
		}
		finally {
			if (before == null) {
				marked.remove();
			}
		}
	}

	/** A request execution that may throw {@link IOException}. */
	@FunctionalInterface
	interface Execution {

		ClientHttpResponse execute() throws IOException;

	}

	private static final class Connector implements ClientHttpConnector {

		private final ClientHttpConnector following;

		private final Supplier<ClientHttpConnector> notFollowing;

		Connector(ClientHttpConnector following, Supplier<ClientHttpConnector> notFollowing) {
			this.following = following;
			this.notFollowing = notFollowing;
		}

		@Override
		public Mono<org.springframework.http.client.reactive.ClientHttpResponse> connect(HttpMethod method, URI uri,
				Function<? super org.springframework.http.client.reactive.ClientHttpRequest, Mono<Void>> requestCallback) {
			return Mono.deferContextual((context) -> (context.hasKey(MARK) ? this.notFollowing.get() : this.following)
				.connect(method, uri, requestCallback));
		}

	}

	private static final class RequestFactory extends AbstractClientHttpRequestFactoryWrapper {

		private final Supplier<ClientHttpRequestFactory> notFollowing;

		RequestFactory(ClientHttpRequestFactory following, Supplier<ClientHttpRequestFactory> notFollowing) {
			super(following);
			this.notFollowing = notFollowing;
		}

		@Override
		protected ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod,
				ClientHttpRequestFactory following) throws IOException {
			return ((marked.get() != null) ? this.notFollowing.get() : following).createRequest(uri, httpMethod);
		}

	}

}
