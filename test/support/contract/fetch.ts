import { recordResponse } from './record.js';

/**
 * A fetch for clients that do not go through supertest (the SDK): every response it sees is
 * checked against the document like supertest's, an event stream for status and headers.
 */
export function contractCheckingFetch(): (request: Request) => Promise<Response> {
  return async (request) => {
    const response = await fetch(request);
    const streamed = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
    recordResponse({
      method: request.method,
      url: request.url,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      text: streamed ? undefined : await response.clone().text(),
      streamed,
    });
    return response;
  };
}
