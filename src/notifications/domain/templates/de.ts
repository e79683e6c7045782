import type { LocaleBundle } from '../types.js';

const hallo = (name: string): string => (name.trim() ? `Hallo ${name},` : 'Hallo,');

export const de: LocaleBundle = {
  layout: {
    linkFallback:
      'Falls die Schaltfläche nicht funktioniert, kopiere diesen Link in deinen Browser:',
    signature: (appName) => `Dein ${appName}-Team`,
  },
  templates: {
    'auth.email_verification': (d) => ({
      email: {
        subject: 'Bestätige deine E-Mail-Adresse',
        greeting: hallo(d.displayName),
        paragraphs: ['Bitte bestätige deine E-Mail-Adresse, um dein Konto fertig einzurichten.'],
        action: { label: 'E-Mail-Adresse bestätigen', url: d.verifyUrl },
        outro: ['Falls du kein Konto angelegt hast, kannst du diese E-Mail ignorieren.'],
      },
      push: { title: 'E-Mail bestätigen', body: 'Öffne den Link, den wir dir gemailt haben.' },
      inApp: { title: 'E-Mail bestätigen', body: 'Öffne den Link, den wir dir gemailt haben.' },
    }),
    'auth.password_reset': (d) => ({
      email: {
        subject: 'Passwort zurücksetzen',
        greeting: hallo(d.displayName),
        paragraphs: ['Wir haben eine Anfrage erhalten, dein Passwort zurückzusetzen.'],
        action: { label: 'Neues Passwort wählen', url: d.resetUrl },
        outro: [
          'Der Link funktioniert einmal und läuft bald ab.',
          'Falls du das nicht angefordert hast, ignoriere diese E-Mail: dein Passwort bleibt gleich.',
        ],
      },
      push: { title: 'Passwort-Reset angefordert', body: 'Öffne den Link in deiner E-Mail.' },
      inApp: { title: 'Passwort-Reset angefordert', body: 'Öffne den Link in deiner E-Mail.' },
    }),
    'auth.password_changed': (d, ctx) => ({
      email: {
        subject: 'Dein Passwort wurde geändert',
        greeting: hallo(d.displayName),
        paragraphs: [`Das Passwort deines Kontos wurde am ${ctx.dateTime(d.changedAt)} geändert.`],
        outro: [
          'Falls du das nicht warst, setze dein Passwort sofort zurück und kontaktiere den Support.',
        ],
      },
      push: {
        title: 'Passwort geändert',
        body: 'Falls du das nicht warst, setze dein Passwort jetzt zurück.',
      },
      inApp: {
        title: 'Passwort geändert',
        body: `Dein Passwort wurde am ${ctx.dateTime(d.changedAt)} geändert.`,
      },
    }),
    'auth.mfa_changed': (d, ctx) => {
      const what = {
        enabled: 'Die Zwei-Faktor-Authentifizierung wurde eingeschaltet',
        disabled: 'Die Zwei-Faktor-Authentifizierung wurde ausgeschaltet',
        recovery_codes_regenerated:
          'Neue Wiederherstellungscodes wurden erstellt (die alten gelten nicht mehr)',
      }[d.change];
      return {
        email: {
          subject: 'Die Anmeldesicherheit deines Kontos wurde geändert',
          greeting: hallo(d.displayName),
          paragraphs: [`${what}: am ${ctx.dateTime(d.at)}.`],
          outro: [
            'Falls du das nicht warst, setze dein Passwort sofort zurück und kontaktiere den Support.',
          ],
        },
        push: { title: 'Anmeldesicherheit geändert', body: `${what}.` },
        inApp: { title: 'Anmeldesicherheit geändert', body: `${what}.` },
      };
    },
    'auth.account_exists': (d) => ({
      email: {
        subject: 'Du hast bereits ein Konto',
        greeting: hallo(d.displayName),
        paragraphs: [
          'Jemand, hoffentlich du, wollte mit dieser E-Mail-Adresse ein Konto anlegen. Du hast bereits eins.',
        ],
        action: { label: 'Anmelden', url: d.signInUrl },
        outro: [
          'Passwort vergessen? Setze es auf der Anmeldeseite zurück.',
          'Falls du das nicht warst, kannst du diese E-Mail ignorieren: Es hat sich nichts geändert.',
        ],
      },
      push: {
        title: 'Registrierungsversuch',
        body: 'Jemand wollte sich mit deiner E-Mail-Adresse registrieren.',
      },
      inApp: {
        title: 'Registrierungsversuch',
        body: 'Jemand wollte sich mit deiner E-Mail-Adresse registrieren.',
      },
    }),
    'auth.new_login': (d, ctx) => {
      const where = [d.ipAddress && `IP-Adresse ${d.ipAddress}`, d.userAgent]
        .filter(Boolean)
        .join(', ');
      const when = ctx.dateTime(d.at);
      return {
        email: {
          subject: 'Neue Anmeldung bei deinem Konto',
          greeting: hallo(d.displayName),
          paragraphs: [
            `Am ${when} hat sich jemand bei deinem Konto angemeldet${where ? ` (${where})` : ''}.`,
          ],
          outro: ['Falls du das nicht warst, ändere dein Passwort und melde alle Sitzungen ab.'],
        },
        push: { title: 'Neue Anmeldung', body: `Neue Anmeldung am ${when}.` },
        inApp: {
          title: 'Neue Anmeldung',
          body: `Anmeldung am ${when}${where ? ` (${where})` : ''}.`,
        },
      };
    },
    'payments.succeeded': (d, ctx) => {
      const amount = ctx.money(d.amount, d.currency);
      const what = d.description ? ` für ${d.description}` : '';
      return {
        email: {
          subject: `Zahlung erhalten: ${amount}`,
          greeting: 'Vielen Dank!',
          paragraphs: [
            `Wir haben deine Zahlung über ${amount}${what} erhalten.`,
            `Referenz: ${d.paymentId}`,
          ],
        },
        push: { title: 'Zahlung erhalten', body: `${amount}${what}` },
        inApp: {
          title: 'Zahlung erhalten',
          body: `Deine Zahlung über ${amount}${what} war erfolgreich.`,
        },
      };
    },
    'payments.failed': (d, ctx) => {
      const amount = ctx.money(d.amount, d.currency);
      const what = d.description ? ` für ${d.description}` : '';
      const why = d.reason ? ` Grund: ${d.reason}.` : '';
      return {
        email: {
          subject: `Zahlung fehlgeschlagen: ${amount}`,
          greeting: 'Hallo,',
          paragraphs: [
            `Deine Zahlung über ${amount}${what} ist nicht durchgegangen.${why}`,
            'Es wurde kein Geld abgebucht. Versuche es mit einer anderen Zahlungsart erneut.',
            `Referenz: ${d.paymentId}`,
          ],
        },
        push: {
          title: 'Zahlung fehlgeschlagen',
          body: `${amount}${what} ist nicht durchgegangen.`,
        },
        inApp: {
          title: 'Zahlung fehlgeschlagen',
          body: `Deine Zahlung über ${amount}${what} ist fehlgeschlagen.${why}`,
        },
      };
    },
    'payments.refunded': (d, ctx) => {
      const amount = ctx.money(d.amount, d.currency);
      const what = d.description ? ` für ${d.description}` : '';
      return {
        email: {
          subject: `Erstattung veranlasst: ${amount}`,
          greeting: 'Hallo,',
          paragraphs: [
            `Wir haben ${amount}${what} erstattet.`,
            'Je nach Bank kann es einige Tage dauern, bis der Betrag auf deinem Konto erscheint.',
            `Referenz: ${d.paymentId}`,
          ],
        },
        push: { title: 'Erstattung veranlasst', body: `${amount}${what}` },
        inApp: { title: 'Erstattung veranlasst', body: `Wir haben ${amount}${what} erstattet.` },
      };
    },
    'account.welcome': (d, ctx) => ({
      email: {
        subject: `Willkommen bei ${ctx.appName}`,
        greeting: hallo(d.displayName),
        paragraphs: [`Willkommen bei ${ctx.appName}! Dein Konto ist bereit.`],
      },
      push: { title: `Willkommen bei ${ctx.appName}`, body: 'Dein Konto ist bereit.' },
      inApp: { title: `Willkommen bei ${ctx.appName}`, body: 'Dein Konto ist bereit.' },
    }),
    // Broadcasts are written by an admin in one language; only the frame is translated.
    announcement: (d) => ({
      email: { subject: d.title, greeting: 'Hallo,', paragraphs: d.body.split(/\n{2,}/) },
      push: { title: d.title, body: d.body },
      inApp: { title: d.title, body: d.body },
    }),
  },
};
