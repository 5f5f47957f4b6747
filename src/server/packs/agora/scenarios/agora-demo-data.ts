import type { JsonObject } from '../../../../shared/scenario';

/** The demo's company and findings (Restaurant Bella Rosa), as AGORA's tools return them. */

export const DEMO_COMPANY = {
  kvk_number: '92251854',
  name: 'Restaurant Bella Rosa',
  legal_form: 'Besloten Vennootschap',
  registration_date: '2019-03-15',
  sbi_codes: ['5610 - Restaurants en mobiele eetgelegenheden'],
  status: 'Actief',
  address: 'Haagweg 123, 2511 AA Den Haag',
} satisfies JsonObject;

export const DEMO_VIOLATION = {
  date: '15 mei 2022',
  type: 'Onvoldoende hygiënemaatregelen in de keuken',
  severity: 'Waarschuwing',
  status: 'Nog niet opgelost',
  regulation: 'Hygiënecode Horeca artikel 4.2',
  follow_up_required: true,
  follow_up_date: '15 augustus 2022',
  follow_up_executed: false,
} satisfies JsonObject;

export const DEMO_REGULATIONS = [
  { name: 'Hygiënecode Horeca artikel 4.2', description: 'Hygiënische werkwijze - Bewaren van bederfelijke waar' },
  {
    name: 'Warenwetregeling Hygiëne van Levensmiddelen',
    description: 'Bewaartemperaturen bederfelijke waar onder 7°C',
  },
  { name: 'EU Verordening 852/2004', description: 'Algemene levensmiddelenhygiëne voorschriften' },
] satisfies JsonObject[];

export const DEMO_INSPECTOR = 'Koen van den Berg';
