package io.quaero.access;

import java.util.regex.Pattern;

/** What a user's and a team's name may be (as the {@code users} and {@code user_teams} columns allow). */
public final class Names {

    public static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    public static final Pattern TEAM = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Names() {
    }
}
