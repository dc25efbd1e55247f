/** What a client asked to see, validated once and shared by streams, fetches and downloads. */
package io.quaero.gateway.filter;
