package dev.tokenkeeper.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where TokenKeeper looks up a client it does not know, such as credentials kept in a
 * database: implement it as a bean. A request that names an unknown id by
 * {@code TokenKeeperAttributes.client(id)} asks it once; the answer, {@code null} ("unknown")
 * included, is kept, within {@code tokenkeeper.runtime.maximum-clients} (least recently used
 * leave first) and {@code tokenkeeper.runtime.idle-timeout}; an id dropped from them is asked
 * for again on its next use.
 * <p>
 * Look-ups may block (JDBC): they run on Reactor's bounded-elastic scheduler, never on an
 * event loop, one at a time per id however many callers wait. A look-up that throws fails
 * the callers waiting for it with that exception as the cause and is not kept: the next use
 * asks again.
 *
 * @author TokenKeeper
 * @see TokenKeeperClients
 */
@FunctionalInterface
public interface TokenKeeperClientSource {

	/**
	 * The properties of a client, named as under {@code tokenkeeper.clients.<id>} and taken
	 * as {@link TokenKeeperClients#register(String, Map)} takes them.
	 * @param id the registration id a request named
	 * @return its properties, or {@code null} when there is no such client
	 * @throws Exception when the look-up failed; the next use asks again
	 */
	@Nullable Map<String, ?> lookup(String id) throws Exception;

}
