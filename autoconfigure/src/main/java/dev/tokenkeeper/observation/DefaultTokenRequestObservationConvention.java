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
 * registration id) and, once the attempt has ended, {@code outcome}; for traces only, the token endpoint's URI and
 * the HTTP status.
 *
 * @author TokenKeeper
 */
public class DefaultTokenRequestObservationConvention implements TokenRequestObservationConvention {

	/** The shared instance. */
	public static final DefaultTokenRequestObservationConvention INSTANCE = new DefaultTokenRequestObservationConvention();

	/** The observation and Timer name. */
	public static final String NAME = "tokenkeeper.token.requests";

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
		// No outcome while the attempt runs: the ".active" long-task timer is tagged by client only.
		return (context.getOutcome() != null) ? KeyValues.of(client(context), outcome(context))
				: KeyValues.of(client(context));
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
	 * @return the registration id, or a run-time client's group
	 */
	protected KeyValue client(TokenRequestObservationContext context) {
		return LowCardinalityKeyNames.CLIENT.withValue(context.getClient());
	}

	/**
	 * The {@code outcome} key value, once the attempt has ended.
	 * @param context the context, whose outcome is set
	 * @return the outcome
	 */
	protected KeyValue outcome(TokenRequestObservationContext context) {
		TokenRequestOutcome outcome = context.getOutcome();
		return LowCardinalityKeyNames.OUTCOME.withValue((outcome != null) ? outcome.tagValue() : "none");
	}

}
