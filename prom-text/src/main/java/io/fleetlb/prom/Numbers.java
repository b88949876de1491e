package io.fleetlb.prom;

/**
 * Number syntax for sample values and timestamps, matching what the Prometheus server accepts: Go's
 * {@code strconv.ParseFloat} without hex floats and underscores (Prometheus rejects {@code p} and {@code _}).
 */
final class Numbers {

    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };
    private static final long MAX_EXACT = 1L << 53;

    private Numbers() {
    }

    /**
     * Whether {@code s[from, to)} is {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?},
     * {@code [+-]? (inf | infinity)} or {@code nan}, the words ASCII case-insensitive as in Go.
     */
    static boolean isFloat(String s, int from, int to) {
        int i = from;
        if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (asciiEqualsIgnoreCase(s, i, to, "inf") || asciiEqualsIgnoreCase(s, i, to, "infinity")) {
            return true;
        }
        if (i == from && asciiEqualsIgnoreCase(s, i, to, "nan")) {
            return true; // Go accepts no sign on NaN
        }
        int digits = 0;
        while (i < to && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < to && s.charAt(i) == '.') {
            i++;
            while (i < to && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < to && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < to && isDigit(s.charAt(i))) {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == to;
    }

    /** Parses a range that {@link #isFloat} accepted, correctly rounded; a fast path avoids allocation. */
    static double parseFloat(String s, int from, int to) {
        int i = from;
        boolean negative = s.charAt(i) == '-';
        if (negative || s.charAt(i) == '+') {
            i++;
        }
        char first = (char) (s.charAt(i) | 0x20);
        if (first == 'i') {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (first == 'n') {
            return Double.NaN;
        }
        // Clinger's fast path: an exact integer mantissa below 2^53 times an exact power of ten up to
        // 10^22 is one correctly rounded IEEE operation. Most metric values ("0.0", "6.0") take it.
        long mantissa = 0;
        int exp10 = 0;
        boolean fraction = false;
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                fraction = true;
            } else if (isDigit(c)) {
                if (mantissa >= MAX_EXACT / 10) {
                    return slow(s, from, to);
                }
                mantissa = mantissa * 10 + (c - '0');
                if (fraction) {
                    exp10--;
                }
            } else {
                break;
            }
        }
        if (i < to) { // exponent
            i++;
            boolean negExp = s.charAt(i) == '-';
            if (negExp || s.charAt(i) == '+') {
                i++;
            }
            int e = 0;
            for (; i < to; i++) {
                if (e > 1000) {
                    return slow(s, from, to);
                }
                e = e * 10 + (s.charAt(i) - '0');
            }
            exp10 += negExp ? -e : e;
        }
        if (exp10 < -22 || exp10 > 22) {
            return mantissa == 0 ? (negative ? -0.0 : 0.0) : slow(s, from, to);
        }
        double v = exp10 >= 0 ? mantissa * POW10[exp10] : mantissa / POW10[-exp10];
        return negative ? -v : v;
    }

    private static double slow(String s, int from, int to) {
        return Double.parseDouble(s.substring(from, to)); // the syntax was validated: cannot throw
    }

    /** Whether {@code s[from, to)} is {@code [+-]? digits}. */
    static boolean isInteger(String s, int from, int to) {
        int i = from;
        if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (i == to) {
            return false;
        }
        for (; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Parses a range that {@link #isInteger} accepted; {@code null} when it does not fit a long. */
    static Long parseLong(String s, int from, int to) {
        try {
            return Long.parseLong(s, from, to, 10);
        } catch (NumberFormatException overflow) {
            return null;
        }
    }

    /** Whether the number token at {@code from} spells an infinity rather than overflowing to one. */
    static boolean isInfinityLiteral(String s, int from) {
        char c = s.charAt(from);
        if (c == '+' || c == '-') {
            c = s.charAt(from + 1);
        }
        return c == 'i' || c == 'I';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean asciiEqualsIgnoreCase(String s, int from, int to, String lowerWord) {
        if (to - from != lowerWord.length()) {
            return false;
        }
        for (int i = 0; i < lowerWord.length(); i++) {
            char c = s.charAt(from + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lowerWord.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Formats a value the way the text format writes it ({@code +Inf}, {@code -Inf}, {@code NaN}). */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }
}
