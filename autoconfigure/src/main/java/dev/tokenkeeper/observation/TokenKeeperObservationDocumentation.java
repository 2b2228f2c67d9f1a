package dev.tokenkeeper.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations TokenKeeper makes.
 *
 * @author TokenKeeper
 */
public enum TokenKeeperObservationDocumentation implements ObservationDocumentation {

	/**
	 * One HTTP attempt at a token endpoint. A token request that is retried is observed once
	 * per attempt.
	 */
	TOKEN_REQUESTS {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultTokenRequestObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/** Key values on the Timer and the span. */
	public enum LowCardinalityKeyNames implements KeyName {

		/** The registration id. */
		CLIENT {

			@Override
			public String asString() {
				return "client";
			}

		},

		/**
		 * How the attempt ended: {@code success}, {@code client_error}, {@code server_error},
		 * {@code rate_limited}, {@code io_error} or {@code invalid_response}.
		 */
		OUTCOME {

			@Override
			public String asString() {
				return "outcome";
			}

		}

	}

	/** Key values on the span only. */
	public enum HighCardinalityKeyNames implements KeyName {

		/** The token endpoint, without user-info, query or fragment. */
		TOKEN_URI {

			@Override
			public String asString() {
				return "tokenkeeper.token.uri";
			}

		},

		/** The HTTP status of the response, when there was one. */
		STATUS {

			@Override
			public String asString() {
				return "http.response.status_code";
			}

		}

	}

}
