/**
 * job-service, by feature:
 * <ul>
 * <li>{@code api}: the REST API ({@code /api/jobs}, {@code /api/job-types}) and its JSON errors;</li>
 * <li>{@code dispatch}: creating and cancelling jobs (a row and a command, together or not at all);</li>
 * <li>{@code catalog}: the built-in job types and their params;</li>
 * <li>{@code worker}: the dispatch consumer, the runner of claimed jobs and their heartbeat;</li>
 * <li>{@code lease}: the reaper that fails jobs whose worker is gone;</li>
 * <li>{@code events}: publishing status, log lines and commands through the shared producer;</li>
 * <li>{@code store}: job-service's columns of the shared {@code jobs} table;</li>
 * <li>{@code config}: settings and Kafka wiring.</li>
 * </ul>
 */
package io.quaero.jobs;
