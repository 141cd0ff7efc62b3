import { useTranslation } from 'react-i18next';

const locales = { en: 'en-GB', it: 'it-IT', de: 'de-DE' } as const;

export function localeOf(language: string): string {
  return locales[language as keyof typeof locales] ?? 'en-GB';
}

/** Money and dates in the language's own format: `1.234,56 €` in Italian, `€1,234.56` in English. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = localeOf(i18n.language);
  return {
    locale,
    money(minor: number | null | undefined, currency: string | null | undefined): string {
      if (minor === null || minor === undefined) return '—';
      // Grouping always: Italian's own rule leaves 4-digit amounts ungrouped (1234,56 €); the articles and
      // the merchants' banks write 1.234,56 €.
      const format = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: currency ?? 'EUR',
        useGrouping: 'always',
      });
      return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
    },
    dateTime(iso: string | null | undefined): string {
      if (!iso) return '—';
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
    },
    date(iso: string | null | undefined): string {
      if (!iso) return '—';
      return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso));
    },
  };
}
