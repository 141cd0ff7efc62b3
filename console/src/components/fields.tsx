import {
  Button,
  FieldError,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
  Text,
  TextField,
  type Key,
} from 'react-aria-components';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

interface TextInputProps {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  /** The API's message for this field (422 details): shown under it and read out with it. */
  error?: string | undefined;
  description?: string;
  type?: 'text' | 'email' | 'password' | 'tel' | 'url' | 'date' | 'number';
  isRequired?: boolean;
  autoComplete?: string;
  /** Highlighted: a review reason points at this field. */
  flagged?: string | undefined;
}

/** A labelled input; the API's validation message shows beside it and marks it invalid. */
export function TextInput(props: TextInputProps) {
  return (
    <TextField
      className={`field${props.flagged ? ' field-flagged' : ''}`}
      name={props.name}
      value={props.value}
      onChange={props.onChange}
      isInvalid={props.error !== undefined}
      isRequired={props.isRequired ?? false}
      type={props.type ?? 'text'}
      {...(props.autoComplete ? { autoComplete: props.autoComplete } : {})}
    >
      <Label>{props.label}</Label>
      <Input />
      {props.flagged && (
        <Text slot="description" className="flag">
          {props.flagged}
        </Text>
      )}
      {props.description && <Text slot="description">{props.description}</Text>}
      <FieldError>{props.error}</FieldError>
    </TextField>
  );
}

interface ChoiceProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { id: string; label: string }[];
}

/** A labelled select (React Aria: keyboard and screen reader behaviour included). */
export function Choice(props: ChoiceProps) {
  return (
    <Select
      className="field"
      selectedKey={props.value}
      onSelectionChange={(key: Key | null) => props.onChange(String(key ?? ''))}
    >
      <Label>{props.label}</Label>
      <Button className="select-button">
        <SelectValue />
        <svg aria-hidden="true" width="12" height="12" viewBox="0 0 12 12">
          <path d="M2 4l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" />
        </svg>
      </Button>
      <Popover>
        <ListBox items={props.options}>{(o) => <ListBoxItem id={o.id}>{o.label}</ListBoxItem>}</ListBox>
      </Popover>
    </Select>
  );
}

/** Copies a value (IBAN, payment reference, webhook URL) and says so. */
export function CopyButton({ value, what }: { value: string; what: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      className="copy"
      onPress={() => {
        void navigator.clipboard?.writeText(value).then(() => setCopied(true));
      }}
    >
      <svg aria-hidden="true" width="14" height="14" viewBox="0 0 14 14">
        <rect x="4" y="4" width="8" height="8" fill="none" stroke="currentColor" />
        <path d="M2 10V2h8" fill="none" stroke="currentColor" />
      </svg>
      <span>{copied ? t('wallet.copied') : t('wallet.copy', { what })}</span>
    </Button>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const message =
    typeof error === 'object' && error !== null && 'error' in error
      ? String((error as { error: { message: string } }).error.message)
      : t('app.error');
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}
