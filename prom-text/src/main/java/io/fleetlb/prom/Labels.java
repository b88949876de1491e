package io.fleetlb.prom;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An immutable label set, kept sorted by label name so that equality and hashing ignore the order
 * the labels were written in.
 */
public final class Labels {

    /** The empty label set. */
    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] names;
    private final String[] values;
    private int hash;

    private Labels(String[] names, String[] values) {
        this.names = names;
        this.values = values;
    }

    /**
     * Builds a label set from alternating names and values, e.g. {@code of("engine", "0", "model_name", "m")}.
     *
     * @throws IllegalArgumentException on an odd count, an invalid or repeated label name
     */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected name/value pairs, got " + namesAndValues.length + " strings");
        }
        int n = namesAndValues.length / 2;
        String[] names = new String[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = namesAndValues[2 * i];
            values[i] = Objects.requireNonNull(namesAndValues[2 * i + 1], "label value");
        }
        return checked(names, values);
    }

    /** Builds a label set from a map (its iteration order does not matter). */
    public static Labels of(Map<String, String> labels) {
        String[] names = new String[labels.size()];
        String[] values = new String[labels.size()];
        int i = 0;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            names[i] = e.getKey();
            values[i++] = Objects.requireNonNull(e.getValue(), "label value");
        }
        return checked(names, values);
    }

    private static Labels checked(String[] names, String[] values) {
        for (String name : names) {
            if (name == null || !isValidName(name)) {
                throw new IllegalArgumentException("invalid label name: " + name);
            }
        }
        Labels labels = sorted(names, values, names.length);
        String dup = labels.firstDuplicateName();
        if (dup != null) {
            throw new IllegalArgumentException("duplicate label name: " + dup);
        }
        return labels;
    }

    /** Copies the first {@code count} pairs and sorts them by name; the caller checks for duplicates. */
    static Labels sorted(String[] names, String[] values, int count) {
        if (count == 0) {
            return EMPTY;
        }
        String[] n = Arrays.copyOf(names, count);
        String[] v = Arrays.copyOf(values, count);
        if (count <= 16) {
            // Exporters almost always print labels sorted already; insertion sort is then one pass.
            for (int i = 1; i < count; i++) {
                String kn = n[i];
                String kv = v[i];
                int j = i - 1;
                while (j >= 0 && n[j].compareTo(kn) > 0) {
                    n[j + 1] = n[j];
                    v[j + 1] = v[j];
                    j--;
                }
                n[j + 1] = kn;
                v[j + 1] = kv;
            }
        } else {
            Integer[] order = new Integer[count];
            for (int i = 0; i < count; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> n[a].compareTo(n[b]));
            String[] sn = new String[count];
            String[] sv = new String[count];
            for (int i = 0; i < count; i++) {
                sn[i] = n[order[i]];
                sv[i] = v[order[i]];
            }
            return new Labels(sn, sv);
        }
        return new Labels(n, v);
    }

    String firstDuplicateName() {
        for (int i = 1; i < names.length; i++) {
            if (names[i].equals(names[i - 1])) {
                return names[i];
            }
        }
        return null;
    }

    static boolean isValidName(String name) {
        if (name.isEmpty() || !isNameStart(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isNameChar(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }

    public int size() {
        return names.length;
    }

    public boolean isEmpty() {
        return names.length == 0;
    }

    /** The i-th label name in sorted order. */
    public String name(int i) {
        return names[i];
    }

    /** The i-th label value in sorted-name order. */
    public String value(int i) {
        return values[i];
    }

    /** The value of the named label, or {@code null} when absent. */
    public String get(String name) {
        int i = Arrays.binarySearch(names, name);
        return i >= 0 ? values[i] : null;
    }

    public boolean contains(String name) {
        return Arrays.binarySearch(names, name) >= 0;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.length; i++) {
            action.accept(names[i], values[i]);
        }
    }

    /** The labels as an unmodifiable map iterating in name order. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        forEach(map::put);
        return Collections.unmodifiableMap(map);
    }

    @Override
    public boolean equals(Object o) {
        return this == o
                || (o instanceof Labels other && Arrays.equals(names, other.names) && Arrays.equals(values, other.values));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
            hash = h;
        }
        return h;
    }

    /** Renders the set the way the text format writes it, e.g. {@code {engine="0",model_name="m"}}. */
    @Override
    public String toString() {
        if (names.length == 0) {
            return "";
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(names[i]).append("=\"");
            appendEscaped(sb, values[i]);
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    static void appendEscaped(StringBuilder sb, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }
}
