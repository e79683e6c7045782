import net from 'node:net';

const FIX = {
  DATABASE_URL:
    'start PostgreSQL there, or unset DATABASE_URL to use a throwaway embedded PostgreSQL',
  REDIS_URL: 'start Redis there, or unset REDIS_URL to use a private redis-server from PATH',
};

/** Fails at once, naming the variable and the fix, when a configured server does not answer. */
export function checkReachable(name, url) {
  const { hostname, port } = new URL(url);
  const defaultPort = name === 'DATABASE_URL' ? 5432 : 6379;
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: hostname,
      port: Number(port || defaultPort),
      timeout: 2000,
    });
    const fail = (why) => {
      socket.destroy();
      reject(
        new Error(
          `${name} (${hostname}:${port || defaultPort}) is not reachable: ${why}. Fix: ${FIX[name]}.`,
        ),
      );
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail('timed out'));
    socket.once('error', (error) => fail(error.code ?? error.message));
  });
}
