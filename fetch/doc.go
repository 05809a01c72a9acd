// Package fetch is the hub's polite HTTP client: every network read (feed
// polls, article pages, media) goes through Client.Get.
//
// What it guarantees, so callers need not:
//   - conditional GET from the stored validators, a 304 costs no body read;
//   - gzip and deflate asked for and decoded here, with the size cap and the
//     total timeout applied to the decoded bytes (a gzip bomb is ErrTooLarge);
//   - at most MaxRedirects redirects, and PermanentURL when every hop was
//     permanent so the caller can update the stored address;
//   - 429/503 answers become a *StatusError carrying Retry-After;
//   - at most PerHost requests in flight per host and MaxConns overall;
//   - no connection to a private, loopback, link-local or otherwise
//     non-public address unless Options.AllowPrivate: the check runs on the
//     resolved IP when the socket is dialled, so DNS rebinding and redirects
//     cannot get around it.
//
// Local files (file:// URLs and plain paths) are valid feed addresses for the
// offline demo; they are read through the same Get with the same cap, with
// validators made from size and mtime. Because a file is the most private
// address there is, they are read only when AllowPrivate is set.
package fetch
