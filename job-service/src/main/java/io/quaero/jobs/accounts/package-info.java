/**
 * People and scripts: signing in and out ({@code /api/session}), the admin API for users, teams and
 * API tokens ({@code /api/admin/**}), and the dev stack's first admin. job-service writes the
 * tables; every service checks callers against them through the {@code access} module.
 */
@NullMarked
package io.quaero.jobs.accounts;

import org.jspecify.annotations.NullMarked;
