import { Module } from '@nestjs/common';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';
import { InboundContactsConsumer } from './inbound-contacts.consumer';

@Module({
  controllers: [ContactsController],
  providers: [ContactsService, InboundContactsConsumer],
  exports: [ContactsService],
})
export class ContactsModule {}
