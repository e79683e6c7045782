import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';

class RelyingPartyDto {
  @ApiProperty({ example: 'example.com' })
  id: string;

  @ApiProperty({ example: 'App' })
  name: string;
}

class PasskeyUserEntityDto {
  @ApiProperty({ description: 'The user handle, base64url' })
  id: string;

  @ApiProperty({ example: 'ada@example.com' })
  name: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  displayName: string;
}

class PubKeyCredParamDto {
  @ApiProperty({ enum: ['public-key'] })
  type: 'public-key';

  @ApiProperty({ type: 'integer', description: 'COSE algorithm identifier', example: -7 })
  alg: number;
}

class CredentialDescriptorDto {
  @ApiProperty({ description: 'A credential id, base64url' })
  id: string;

  @ApiProperty({ enum: ['public-key'] })
  type: 'public-key';

  @ApiPropertyOptional({ type: [String], example: ['internal', 'hybrid'] })
  transports?: string[];
}

class AuthenticatorSelectionDto {
  @ApiProperty({ enum: ['required'] })
  residentKey: string;

  @ApiProperty()
  requireResidentKey: boolean;

  @ApiProperty({ enum: ['required'] })
  userVerification: string;
}

/** `publicKey` for `navigator.credentials.create()` (after `PublicKeyCredential.parseCreationOptionsFromJSON`). */
export class PasskeyRegistrationOptionsDto {
  @ApiProperty({ description: 'base64url; valid for 5 minutes, once' })
  challenge: string;

  @ApiProperty({ type: RelyingPartyDto })
  rp: RelyingPartyDto;

  @ApiProperty({ type: PasskeyUserEntityDto })
  user: PasskeyUserEntityDto;

  @ApiProperty({ type: [PubKeyCredParamDto] })
  pubKeyCredParams: PubKeyCredParamDto[];

  @ApiProperty({ type: 'integer', example: 300000, description: 'Milliseconds' })
  timeout: number;

  @ApiProperty({ enum: ['none'] })
  attestation: string;

  @ApiProperty({
    type: [CredentialDescriptorDto],
    description: 'Passkeys the user already has (the authenticator will not create a second)',
  })
  excludeCredentials: CredentialDescriptorDto[];

  @ApiProperty({ type: AuthenticatorSelectionDto })
  authenticatorSelection: AuthenticatorSelectionDto;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { credProps: true } })
  extensions: Record<string, unknown>;
}

/** `publicKey` for `navigator.credentials.get()` (after `PublicKeyCredential.parseRequestOptionsFromJSON`). */
export class PasskeyAuthenticationOptionsDto {
  @ApiProperty({ description: 'base64url; valid for 5 minutes, once' })
  challenge: string;

  @ApiProperty({ example: 'example.com' })
  rpId: string;

  @ApiProperty({ type: 'integer', example: 300000, description: 'Milliseconds' })
  timeout: number;

  @ApiProperty({ enum: ['required'] })
  userVerification: string;
}

export function toPasskeyRegistrationOptions(
  options: PublicKeyCredentialCreationOptionsJSON,
): PasskeyRegistrationOptionsDto {
  const selection = options.authenticatorSelection;
  return {
    challenge: options.challenge,
    rp: { id: options.rp.id ?? '', name: options.rp.name },
    user: options.user,
    pubKeyCredParams: options.pubKeyCredParams.map(({ alg }) => ({ type: 'public-key', alg })),
    timeout: options.timeout ?? 0,
    attestation: options.attestation ?? 'none',
    excludeCredentials: (options.excludeCredentials ?? []).map(({ id, transports }) => ({
      id,
      type: 'public-key' as const,
      ...(transports ? { transports } : {}),
    })),
    authenticatorSelection: {
      residentKey: selection?.residentKey ?? 'required',
      requireResidentKey: selection?.requireResidentKey ?? true,
      userVerification: selection?.userVerification ?? 'required',
    },
    extensions: { ...options.extensions },
  };
}

export function toPasskeyAuthenticationOptions(
  options: PublicKeyCredentialRequestOptionsJSON,
): PasskeyAuthenticationOptionsDto {
  return {
    challenge: options.challenge,
    rpId: options.rpId ?? '',
    timeout: options.timeout ?? 0,
    userVerification: options.userVerification ?? 'required',
  };
}
