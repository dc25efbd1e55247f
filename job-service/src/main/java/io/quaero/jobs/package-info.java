/**
 * job-service. Today it declares the dispatch topic it owns ({@code config}); the jobs REST API,
 * dispatch, cancel and the built-in workers arrive with issue 5.
 */
package io.quaero.jobs;
