import { Module } from '@nestjs/common';
import { ContactsController } from './contacts.controller';
import { ContactsOutbox } from './contacts-outbox';
import { ContactsService } from './contacts.service';
import { InboundContactsConsumer } from './inbound-contacts.consumer';
import { KnownBirths } from './known-births';
import { AntenatalLinks } from './antenatal-links';
import { SharingChoices } from './sharing-choices';

@Module({
  controllers: [ContactsController],
  providers: [
    ContactsService,
    InboundContactsConsumer,
    KnownBirths,
    AntenatalLinks,
    SharingChoices,
    ContactsOutbox,
  ],
  exports: [ContactsService],
})
export class ContactsModule {}
