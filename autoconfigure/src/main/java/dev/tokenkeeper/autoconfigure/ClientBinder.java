package dev.tokenkeeper.autoconfigure;

import java.beans.PropertyDescriptor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.PlaceholdersResolver;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

import dev.tokenkeeper.autoconfigure.InvalidTokenKeeperConfigurationException.Problem;
import dev.tokenkeeper.autoconfigure.TokenKeeperProperties.Client;

/**
 * Binds one TokenKeeper client's properties onto {@link Client}: the one path by which the
 * clients of {@code tokenkeeper.clients} (read from the environment at start-up and after a
 * configuration refresh) and the clients registered at run time get their properties.
 * <p>
 * Values are taken as Boot's binder takes them: every form of a name Boot's property sources
 * answer to (an environment variable too), placeholders resolved for the environment, Boot's
 * own conversions ({@code 30s}, a {@code List} or a comma-separated string, lenient enum
 * names), indexed list elements from the first source that has the list, map entries merged
 * over all sources. What it knows of {@code Client} (each property, its type and setter,
 * the nested groups) is worked out once, so binding a client asks its sources for each
 * property by a name made once and converts only what is there: a run-time
 * {@code register} costs a few microseconds where Boot's general binder, working out a
 * bean's properties on every bind, cost tens.
 * <p>
 * A value that cannot be converted is a problem naming
 * {@code tokenkeeper.clients.<id>.<property>}, never its value.
 *
 * @author TokenKeeper
 */
final class ClientBinder {

	static final String PREFIX = "tokenkeeper.clients.";

	private static final ConfigurationPropertyName CLIENTS = ConfigurationPropertyName.of("tokenkeeper.clients");

	private static final ConversionService conversions = ApplicationConversionService.getSharedInstance();

	/** {@code Client}'s own properties first, then one group per nested object. */
	private static final List<Group> GROUPS = groups();

	/** The properties' names as {@code register} is given them, parsed once. */
	private static final Map<String, ConfigurationPropertyName> NAMES = names();

	private ClientBinder() {
	}

	/**
	 * Bind a client from the given sources.
	 * @param id the client's id, for problems
	 * @param root the name the client's properties are under, {@link ConfigurationPropertyName#EMPTY} for
	 * names relative to it
	 * @param sources the sources, the first with a value wins
	 * @param placeholders resolves placeholders in values, or {@code null} to take them as they are
	 * @param resources resolves the locations of {@code Resource} properties, as Boot's binder
	 * resolves them with the application context
	 * @return the bound client
	 * @throws InvalidTokenKeeperConfigurationException when a value cannot be converted
	 */
	static Bound bind(String id, ConfigurationPropertyName root, Iterable<ConfigurationPropertySource> sources,
			@Nullable PlaceholdersResolver placeholders, ResourceLoader resources) {
		Binding binding = new Binding(id, root, sources, placeholders, resources);
		Client client = new Client();
		for (Group group : GROUPS) {
			if (group.name.isEmpty() || !binding.absent(group.name)) {
				Object target = group.target.apply(client);
				for (Property property : group.properties) {
					binding.bind(property, target);
				}
			}
		}
		if (!binding.problems.isEmpty()) {
			throw new InvalidTokenKeeperConfigurationException(binding.problems);
		}
		return new Bound(client, binding.values, binding.used);
	}

	/**
	 * Bind every client under {@code tokenkeeper.clients} in the environment.
	 * @param environment the environment
	 * @param resources resolves the locations of {@code Resource} properties
	 * @return the clients by id, in the order their sources name them, and the problems of
	 * those that could not be bound
	 */
	static Configured configured(ConfigurableEnvironment environment, ResourceLoader resources) {
		Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
		PlaceholdersResolver placeholders = new PropertySourcesPlaceholdersResolver(environment);
		Map<ConfigurationPropertyName, String> ids = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : sources) {
			if (source instanceof IterableConfigurationPropertySource iterable
					&& iterable.containsDescendantOf(CLIENTS) != ConfigurationPropertyState.ABSENT) {
				iterable.stream()
					.filter((name) -> name.getNumberOfElements() > 3 && CLIENTS.isAncestorOf(name))
					.forEach((name) -> ids.putIfAbsent(name.chop(3), name.getElement(2, Form.ORIGINAL)));
			}
		}
		Map<String, Bound> clients = new LinkedHashMap<>();
		Map<String, List<Problem>> invalid = new LinkedHashMap<>();
		ids.forEach((root, id) -> {
			try {
				clients.put(id, bind(id, root, sources, placeholders, resources));
			}
			catch (InvalidTokenKeeperConfigurationException ex) {
				invalid.put(id, ex.getProblems());
			}
		});
		return new Configured(clients, invalid);
	}

	/**
	 * Bind a client registered at run time, as {@code tokenkeeper.clients.<id>} is bound. A
	 * property the client does not have is an error, not ignored: a typo in code would
	 * otherwise drop a setting silently.
	 * @param id the client's id
	 * @param properties its properties, by the names under {@code tokenkeeper.clients.<id>}
	 * @param resources resolves the locations of {@code Resource} properties
	 * @return the bound client
	 * @throws InvalidTokenKeeperConfigurationException when a name or a value is not one
	 */
	static Client bind(String id, Map<String, ?> properties, ResourceLoader resources) {
		List<Problem> problems = new ArrayList<>();
		Map<ConfigurationPropertyName, Object> source = new HashMap<>();
		flatten("", properties, (name, value) -> {
			ConfigurationPropertyName parsed = NAMES.get(name);
			if (parsed == null) {
				parsed = ConfigurationPropertyName.ofIfValid(name);
			}
			if (parsed != null && !parsed.isEmpty()) {
				source.put(parsed, value);
			}
			else {
				problems.add(new Problem(PREFIX + id + "." + name,
						"is not a valid property name: use lower-case kebab-case names"));
			}
		});
		if (!problems.isEmpty()) {
			throw new InvalidTokenKeeperConfigurationException(problems);
		}
		Bound bound = bind(id, ConfigurationPropertyName.EMPTY, List.of(new ClientProperties(source)), null, resources);
		if (bound.used().size() < source.size()) {
			source.keySet()
				.stream()
				.filter((name) -> !bound.used().contains(name))
				.map((name) -> new Problem(PREFIX + id + "." + name, "is not a property of a TokenKeeper client"))
				.forEach(problems::add);
			throw new InvalidTokenKeeperConfigurationException(problems);
		}
		return bound.client();
	}

	/**
	 * Names made of map keys, as a source of YAML has them; a list of plain values stays one
	 * value (a list in another list, or of maps, is indexed).
	 */
	private static void flatten(String prefix, @Nullable Object value, BiConsumer<String, Object> flat) {
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, nested) -> flatten(prefix.isEmpty() ? String.valueOf(key) : prefix + "." + key, nested,
					flat));
		}
		else if (value instanceof Collection<?> collection && !plain(collection)) {
			int index = 0;
			for (Object element : collection) {
				flatten(prefix + "[" + index++ + "]", element, flat);
			}
		}
		else if (value instanceof Object[] array) {
			flatten(prefix, Arrays.asList(array), flat);
		}
		else if (value != null) {
			flat.accept(prefix, value);
		}
	}

	private static boolean plain(Collection<?> collection) {
		for (Object element : collection) {
			if (element instanceof Map || element instanceof Collection || element instanceof Object[]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The properties of the client being bound, by name: a plain map, where Boot's own map
	 * source would build a cache of name mappings for each client first.
	 */
	private static final class ClientProperties implements IterableConfigurationPropertySource {

		private final Map<ConfigurationPropertyName, Object> properties;

		/** Every name that has a property under it: what the binder asks of each nested object. */
		private final Set<ConfigurationPropertyName> ancestors = new HashSet<>();

		ClientProperties(Map<ConfigurationPropertyName, Object> properties) {
			this.properties = properties;
			for (ConfigurationPropertyName name : properties.keySet()) {
				for (ConfigurationPropertyName parent = name.getParent(); !parent.isEmpty(); parent = parent.getParent()) {
					this.ancestors.add(parent);
				}
			}
		}

		@Override
		public @Nullable ConfigurationProperty getConfigurationProperty(ConfigurationPropertyName name) {
			Object value = this.properties.get(name);
			return (value != null) ? new ConfigurationProperty(name, value, null) : null;
		}

		@Override
		public ConfigurationPropertyState containsDescendantOf(ConfigurationPropertyName name) {
			return this.ancestors.contains(name) ? ConfigurationPropertyState.PRESENT : ConfigurationPropertyState.ABSENT;
		}

		@Override
		public Stream<ConfigurationPropertyName> stream() {
			return this.properties.keySet().stream();
		}

	}

	private static Map<String, ConfigurationPropertyName> names() {
		Map<String, ConfigurationPropertyName> names = new HashMap<>();
		GROUPS.forEach((group) -> group.properties.forEach((property) -> names.put(property.text, property.name)));
		return Map.copyOf(names);
	}

	private static List<Group> groups() {
		List<Group> groups = new ArrayList<>();
		collect(Client.class, ConfigurationPropertyName.EMPTY, Function.identity(), groups);
		return List.copyOf(groups);
	}

	private static void collect(Class<?> type, ConfigurationPropertyName name, Function<Object, Object> target,
			List<Group> groups) {
		List<Property> properties = new ArrayList<>();
		List<Runnable> nested = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			Method read = descriptor.getReadMethod();
			Method write = descriptor.getWriteMethod();
			if (read == null || read.getDeclaringClass() == Object.class) {
				continue;
			}
			ConfigurationPropertyName propertyName = name.append(DataObjectPropertyName.toDashedForm(descriptor.getName()));
			if (write != null) {
				properties.add(new Property(propertyName, write, new TypeDescriptor(MethodParameter.forExecutable(write, 0))));
			}
			else if (read.getReturnType().getDeclaringClass() == TokenKeeperProperties.class) {
				// a nested object, as Client's jwt, retry, proxy and dpop: bound in place
				nested.add(() -> collect(read.getReturnType(), propertyName, target.andThen((owner) -> get(read, owner)),
						groups));
			}
		}
		groups.add(new Group(name, target, List.copyOf(properties)));
		nested.forEach(Runnable::run);
	}

	private static Object get(Method read, Object owner) {
		try {
			return read.invoke(owner);
		}
		catch (IllegalAccessException | InvocationTargetException ex) {
			throw new IllegalStateException("Cannot read " + read, ex);
		}
	}

	/**
	 * A bound client.
	 * @param client the client
	 * @param values the values taken, by property name relative to the client, after
	 * placeholders: what a configuration refresh compares
	 * @param used the names of the values taken, as the sources have them
	 */
	record Bound(Client client, Map<String, Object> values, Set<ConfigurationPropertyName> used) {

	}

	/**
	 * The clients of the environment.
	 * @param clients those bound, by id
	 * @param invalid the problems of those that could not be, by id
	 */
	record Configured(Map<String, Bound> clients, Map<String, List<Problem>> invalid) {

		List<Problem> problems() {
			return this.invalid.values().stream().flatMap(List::stream).toList();
		}

	}

	/** The properties of {@code Client} or of one of its nested objects. */
	private record Group(ConfigurationPropertyName name, Function<Object, Object> target, List<Property> properties) {

	}

	private enum Kind {

		VALUE, LIST, MAP

	}

	/** One settable property: its name relative to the client, its setter and its type. */
	private static final class Property {

		private final ConfigurationPropertyName name;

		private final String text;

		private final Method setter;

		private final TypeDescriptor type;

		private final Kind kind;

		/** The value's class when one of it is set as it is, without conversion. */
		private final @Nullable Class<?> plain;

		/** What a value may be, told when it is not: the constants of an enum. */
		private final String hint;

		/**
		 * An enum's constants by their names in lower case without separators, as Boot's lenient
		 * enum conversion matches them ({@code post-form}, {@code POST_FORM}, {@code postForm}).
		 */
		private final @Nullable Map<String, Object> constants;

		/** Whether the property is a {@code List<String>}, which a string is split into. */
		private final boolean strings;

		/** The names of the first list elements, {@code name[0]} and on. */
		private final ConfigurationPropertyName[] indexed;

		Property(ConfigurationPropertyName name, Method setter, TypeDescriptor type) {
			this.name = name;
			this.text = name.toString();
			this.setter = setter;
			this.type = type;
			this.kind = type.isMap() ? Kind.MAP : (type.isCollection() || type.isArray()) ? Kind.LIST : Kind.VALUE;
			this.plain = (this.kind == Kind.VALUE && type.getType() == String.class) ? String.class : null;
			Object[] constants = type.getObjectType().getEnumConstants();
			this.hint = (constants != null) ? Arrays.stream(constants)
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", ", " (one of ", ")")) : "";
			if (constants != null) {
				Map<String, Object> byName = new HashMap<>();
				for (Object constant : constants) {
					byName.put(canonical(((Enum<?>) constant).name()), constant);
				}
				this.constants = Map.copyOf(byName);
			}
			else {
				this.constants = null;
			}
			TypeDescriptor element = type.getElementTypeDescriptor();
			this.strings = type.getType() == List.class && element != null && element.getType() == String.class;
			this.indexed = new ConfigurationPropertyName[(this.kind == Kind.LIST) ? 4 : 0];
			for (int i = 0; i < this.indexed.length; i++) {
				this.indexed[i] = name.append("[" + i + "]");
			}
		}

		static String canonical(String name) {
			StringBuilder canonical = new StringBuilder(name.length());
			for (int i = 0; i < name.length(); i++) {
				char c = name.charAt(i);
				if (Character.isLetterOrDigit(c)) {
					canonical.append(Character.toLowerCase(c));
				}
			}
			return canonical.toString();
		}

		ConfigurationPropertyName index(ConfigurationPropertyName full, int index) {
			return (full == this.name && index < this.indexed.length) ? this.indexed[index]
					: full.append("[" + index + "]");
		}

	}

	/** One client being bound. */
	private static final class Binding {

		private final String id;

		private final ConfigurationPropertyName root;

		private final Iterable<ConfigurationPropertySource> sources;

		private final @Nullable PlaceholdersResolver placeholders;

		private final ResourceLoader resources;

		private final Map<String, Object> values = new LinkedHashMap<>();

		private final Set<ConfigurationPropertyName> used = new HashSet<>();

		private final List<Problem> problems = new ArrayList<>();

		Binding(String id, ConfigurationPropertyName root, Iterable<ConfigurationPropertySource> sources,
				@Nullable PlaceholdersResolver placeholders, ResourceLoader resources) {
			this.id = id;
			this.root = root;
			this.sources = sources;
			this.placeholders = placeholders;
			this.resources = resources;
		}

		private ConfigurationPropertyName full(ConfigurationPropertyName name) {
			return this.root.isEmpty() ? name : this.root.append(name);
		}

		/** Whether no source has anything under a nested object's name. */
		boolean absent(ConfigurationPropertyName group) {
			ConfigurationPropertyName name = full(group);
			for (ConfigurationPropertySource source : this.sources) {
				if (source.containsDescendantOf(name) != ConfigurationPropertyState.ABSENT
						|| source.getConfigurationProperty(name) != null) {
					return false;
				}
			}
			return true;
		}

		void bind(Property property, Object target) {
			ConfigurationPropertyName name = full(property.name);
			Object value = switch (property.kind) {
				case VALUE -> value(name);
				case LIST -> list(property, name);
				case MAP -> map(name);
			};
			if (value == null) {
				return;
			}
			this.values.put(property.text, value);
			Object converted;
			try {
				converted = convert(property, value);
			}
			catch (ConversionException | IllegalArgumentException ex) {
				this.problems.add(problem(property, "could not be converted to "
						+ property.type.getObjectType().getSimpleName() + property.hint));
				return;
			}
			if (converted != null) {
				try {
					property.setter.invoke(target, converted);
				}
				catch (IllegalAccessException | InvocationTargetException ex) {
					this.problems.add(problem(property, "could not be set"));
				}
			}
		}

		private Problem problem(Property property, String reason) {
			return new Problem(PREFIX + this.id + "." + property.text, reason);
		}

		private @Nullable Object value(ConfigurationPropertyName name) {
			for (ConfigurationPropertySource source : this.sources) {
				ConfigurationProperty property = source.getConfigurationProperty(name);
				if (property != null) {
					this.used.add(property.getName());
					return resolved(property.getValue());
				}
			}
			return null;
		}

		/** The list as a whole or its indexed elements, from the first source that has either. */
		private @Nullable Object list(Property property, ConfigurationPropertyName name) {
			for (ConfigurationPropertySource source : this.sources) {
				ConfigurationProperty whole = source.getConfigurationProperty(name);
				if (whole != null) {
					this.used.add(whole.getName());
					return resolved(whole.getValue());
				}
				if (source.containsDescendantOf(name) == ConfigurationPropertyState.ABSENT) {
					continue;
				}
				List<Object> elements = new ArrayList<>();
				for (int i = 0;; i++) {
					ConfigurationProperty element = source.getConfigurationProperty(property.index(name, i));
					if (element == null) {
						break;
					}
					this.used.add(element.getName());
					elements.add(resolved(element.getValue()));
				}
				if (!elements.isEmpty()) {
					return elements;
				}
			}
			return null;
		}

		/** The entries under the name in every source that can list its names, the first wins. */
		private @Nullable Object map(ConfigurationPropertyName name) {
			Map<String, Object> entries = new LinkedHashMap<>();
			int depth = name.getNumberOfElements();
			for (ConfigurationPropertySource source : this.sources) {
				if (!(source instanceof IterableConfigurationPropertySource iterable)
						|| source.containsDescendantOf(name) == ConfigurationPropertyState.ABSENT) {
					continue;
				}
				iterable.stream().filter(name::isAncestorOf).forEach((entry) -> {
					StringBuilder key = new StringBuilder();
					for (int i = depth; i < entry.getNumberOfElements(); i++) {
						key.append((key.length() > 0) ? "." : "").append(entry.getElement(i, Form.ORIGINAL));
					}
					if (!entries.containsKey(key.toString())) {
						ConfigurationProperty property = source.getConfigurationProperty(entry);
						if (property != null) {
							this.used.add(entry);
							entries.put(key.toString(), resolved(property.getValue()));
						}
					}
				});
			}
			return entries.isEmpty() ? null : entries;
		}

		private @Nullable Object resolved(@Nullable Object value) {
			return (this.placeholders != null) ? this.placeholders.resolvePlaceholders(value) : value;
		}

		private @Nullable Object convert(Property property, Object value) {
			if (property.plain != null && property.plain.isInstance(value)) {
				return value;
			}
			if (property.type.getType() == Resource.class && value instanceof String location) {
				return location.isBlank() ? null : this.resources.getResource(location.trim());
			}
			if (property.constants != null && value instanceof String name) {
				Object constant = property.constants.get(Property.canonical(name));
				if (constant != null) {
					return constant;
				}
			}
			if (property.strings && value instanceof String list) {
				// as Boot's DelimitedStringToCollectionConverter splits one
				List<String> elements = new ArrayList<>();
				for (String element : StringUtils.delimitedListToStringArray(list, ",")) {
					elements.add(element.trim());
				}
				return elements;
			}
			if (value instanceof Collection<?> collection && property.kind == Kind.VALUE) {
				// a list where one value belongs, as Boot's binder refuses it
				throw new IllegalArgumentException("A list of " + collection.size() + " for one value");
			}
			return conversions.convert(value, TypeDescriptor.forObject(value), property.type);
		}

	}

}
