package dev.tokenkeeper.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

import dev.tokenkeeper.observation.TokenKeeperObservationDocumentation.HighCardinalityKeyNames;
import dev.tokenkeeper.observation.TokenKeeperObservationDocumentation.LowCardinalityKeyNames;
import dev.tokenkeeper.token.TokenRequestOutcome;
import dev.tokenkeeper.token.TokenUris;

/**
 * The default {@link TokenRequestObservationConvention}: name
 * {@code tokenkeeper.token.requests}, low-cardinality key values {@code client} (the
 * registration id) and {@code outcome}, and, for traces only, the token endpoint's URI and
 * the HTTP status.
 *
 * @author TokenKeeper
 */
public class DefaultTokenRequestObservationConvention implements TokenRequestObservationConvention {

	/** The shared instance. */
	public static final DefaultTokenRequestObservationConvention INSTANCE = new DefaultTokenRequestObservationConvention();

	/** The observation and Timer name. */
	public static final String NAME = "tokenkeeper.token.requests";

	/**
	 * An attempt that ended without an outcome, cancelled before a response arrived, is
	 * counted as having had no response.
	 */
	private static final TokenRequestOutcome CANCELLED = TokenRequestOutcome.IO_ERROR;

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(TokenRequestObservationContext context) {
		return "token request " + context.getRegistrationId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(TokenRequestObservationContext context) {
		return KeyValues.of(client(context), outcome(context));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(TokenRequestObservationContext context) {
		KeyValues values = KeyValues
			.of(HighCardinalityKeyNames.TOKEN_URI.withValue(TokenUris.display(context.getTokenUri())));
		return (context.getStatus() > 0)
				? values.and(HighCardinalityKeyNames.STATUS.withValue(Integer.toString(context.getStatus()))) : values;
	}

	/**
	 * The {@code client} key value.
	 * @param context the context
	 * @return the registration id
	 */
	protected KeyValue client(TokenRequestObservationContext context) {
		return LowCardinalityKeyNames.CLIENT.withValue(context.getRegistrationId());
	}

	/**
	 * The {@code outcome} key value.
	 * @param context the context
	 * @return the outcome
	 */
	protected KeyValue outcome(TokenRequestObservationContext context) {
		TokenRequestOutcome outcome = context.getOutcome();
		return LowCardinalityKeyNames.OUTCOME.withValue(((outcome != null) ? outcome : CANCELLED).tagValue());
	}

}
