import { Module } from '@nestjs/common';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';
import { InboundContactsConsumer } from './inbound-contacts.consumer';
import { KnownBirths } from './known-births';

@Module({
  controllers: [ContactsController],
  providers: [ContactsService, InboundContactsConsumer, KnownBirths],
  exports: [ContactsService],
})
export class ContactsModule {}
