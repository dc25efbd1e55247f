package io.quaero.gateway.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a downloaded line keeps of a message: its text, never an instruction to the terminal. */
class TerminalTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // what                                | message (\e = ESC, \a = BEL, \r, \b)     | in the download
        "plain text is untouched               | caf\u00e9 <b> 100%                        | caf\u00e9 <b> 100%",
        "tab and line feed stay                | a\\tb\\nc                               | a\\tb\\nc",
        "SGR colours go                        | \\e[1;31mred\\e[0m plain                  | red plain",
        "cursor movement and erase go          | \\e[2J\\e[1;1Hhome\\e[K\\e[?25l           | home",
        "OSC title ended by BEL goes           | \\e]0;pwned\\atext                        | text",
        "OSC clipboard ended by ST goes        | \\e]52;c;ZWNobw==\\e\\\\after             | after",
        "OSC 8 hyperlink keeps its label       | \\e]8;;http://x\\e\\\\label\\e]8;;\\e\\\\ | label",
        "DCS and APC go                        | \\eP1$r0m\\e\\\\a\\e_x\\e\\\\b             | ab",
        "an unended OSC keeps its text         | \\e]0;no end                              | 0;no end",
        "short escapes go                      | \\e(B\\ec\\e=x                            | x",
        "a lone ESC at the end goes            | end\\e                                    | end",
        "carriage return and backspace go      | 50%\\r100%\\b!                            | 50%100%!",
        "C1 controls and DEL go                | \u009b2J\u0085x\u007f                     | 2Jx",
        "line separators are text              | a\u2028b\u2029c                           | a\u2028b\u2029c",
    })
    void stripsWhatATerminalWouldActOnAndKeepsTheText(String what, String message, String expected) {
        assertThat(TerminalText.strip(unescape(message))).as(what).isEqualTo(unescape(expected));
    }

    /** \e, \a, \r, \b, \t, \n and \\ as in a shell's printf, so the cases stay readable. */
    private static String unescape(String s) {
        var sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                sb.append(c);
                continue;
            }
            char n = s.charAt(++i);
            sb.append(switch (n) {
                case 'e' -> '\u001b';
                case 'a' -> '\u0007';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 't' -> '\t';
                case 'n' -> '\n';
                default -> n;
            });
        }
        return sb.toString();
    }
}
