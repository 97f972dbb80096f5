/**
 * Name pools for the synthetic area: common given names and surnames of communities living in
 * English cities, combined at random into invented people. Lists are ordered roughly by frequency
 * (surnames are drawn with a skew, so Khan, Smith, Begum or Nowak recur as they do in life).
 */
/** A list written as names separated by "/" or line breaks (names may contain spaces). */
function names(list: string): readonly string[] {
  return list
    .split(/[/\n]/)
    .map((n) => n.trim())
    .filter((n) => n !== '');
}

export interface Community {
  id: string;
  /** Share of families in the synthetic area (relative). */
  weight: number;
  boys: readonly string[];
  girls: readonly string[];
  surnames: readonly string[];
  /** Mothers' given names (adults: partly a different generation of names). */
  mothers: readonly string[];
  /** Share of families with a double-barrelled surname. */
  doubleBarrelled: number;
  /** Share of boys given a devotional first name before the name they are called by. */
  devotionalFirstName?: { name: string; rate: number };
  /** Surnames carried by mothers rather than the family's (Begum, Khatun; Kaur). */
  motherSurnames?: readonly string[];
  /** Share of mothers with the family's surname. */
  motherSharesSurname: number;
  /** Sikh naming: Singh/Kaur written with or instead of the family surname. */
  sikh?: boolean;
  /** Surnames with a feminine form used for girls (Polish -ski/-ska). */
  genderedSurnames?: boolean;
}

export const COMMUNITIES: readonly Community[] = [
  {
    id: 'white-british',
    weight: 38,
    boys: names(`
      Oliver/George/Harry/Noah/Jack/Leo/Arthur/Oscar/Charlie/Jacob/Thomas/Henry/William
      Freddie/Alfie/Theodore/Archie/Joshua/Alexander/James/Isaac/Edward/Lucas/Tommy/Finley
      Max/Logan/Ethan/Teddy/Benjamin/Arlo/Joseph/Sebastian/Harrison/Elijah/Adam/Daniel
      Samuel/Louie/Reggie/Albie/Ronnie/Rory/Jude/Toby/Hugo/Frederick/Albert/Stanley
      Michael/Matthew/Christopher/Nathan/Luke/Dylan/Riley/Callum/Jamie/Lewis/Ezra/Mason
      Jenson/Harvey/Bobby/Frankie
    `),
    girls: names(`
      Olivia/Amelia/Isla/Ava/Ivy/Freya/Lily/Florence/Mia/Willow/Rosie/Sophia/Isabella
      Grace/Daisy/Sienna/Poppy/Elsie/Emily/Ella/Evelyn/Phoebe/Sofia/Evie/Charlotte/Harper
      Millie/Matilda/Maya/Sophie/Alice/Emilia/Isabelle/Ruby/Luna/Maisie/Aria/Penelope/Mila
      Bonnie/Eva/Hallie/Eliza/Ada/Violet/Esme/Arabella/Imogen/Jessica/Lucy/Elizabeth
      Katherine/Eleanor/Hannah/Abigail/Scarlett/Georgia/Harriet/Victoria/Rebecca/Zoë/Chloé
      Darcie/Thea/Edith
    `),
    surnames: names(`
      Smith/Jones/Williams/Taylor/Brown/Davies/Evans/Wilson/Thomas/Johnson/Roberts
      Robinson/Thompson/Wright/Walker/White/Edwards/Hughes/Green/Hall/Lewis/Harris/Clarke
      Jackson/Wood/Turner/Martin/Cooper/Hill/Ward/Morris/Moore/Clark/Lee/King/Baker
      Harrison/Morgan/Allen/James/Scott/Phillips/Watson/Davis/Parker/Price/Bennett/Young
      Griffiths/Mitchell/Kelly/Cook/Carter/Richardson/Bailey/Collins/Bell/Shaw/Murphy
      Miller/Cox/Richards/Fletcher/Pearson/Atkinson/Holmes/Marshall/Lloyd/Barker/Chapman
      Webb/Ellis
    `),
    mothers: names(`
      Sarah/Laura/Emma/Rebecca/Gemma/Amy/Jessica/Hannah/Charlotte/Lauren/Katie/Sophie
      Rachel/Kirsty/Stacey/Danielle/Natalie/Hayley/Jade/Leanne/Nicola/Zoe/Kelly/Amanda
      Claire/Victoria/Louise/Samantha/Chloe/Megan/Bethany/Abigail/Lucy/Jennifer/Holly
      Kayleigh
    `),
    doubleBarrelled: 0.07,
    motherSharesSurname: 0.6,
  },
  {
    id: 'irish',
    weight: 3,
    boys: names(`
      Seán/Cian/Oisín/Ciarán/Pádraig/Darragh/Eoin/Conor/Tadhg/Liam/Rory/Finn/Cillian/Fionn
      Patrick/Michael/Aidan/Ronan/Declan
    `),
    girls: names(`
      Aoife/Niamh/Saoirse/Siobhán/Ciara/Caoimhe/Róisín/Orla/Grainne/Éabha/Clodagh/Síofra
      Aisling/Mairéad/Sinéad/Molly/Emma/Ella
    `),
    surnames: names(`
      Murphy/Kelly/O'Brien/O'Connor/O'Neill/Byrne/Ryan/Doyle/McCarthy/Gallagher/Walsh
      O'Sullivan/Kennedy/Lynch/Quinn/McLoughlin/O'Reilly/Brennan/Fitzgerald/Nolan/Flanagan
      Keane/Doherty/Maguire
    `),
    mothers: names(`
      Siobhán/Niamh/Aoife/Ciara/Sinéad/Mary/Bridget/Orla/Aisling/Emer/Deirdre/Fiona/Claire
      Grainne
    `),
    doubleBarrelled: 0.03,
    motherSharesSurname: 0.55,
  },
  {
    id: 'pakistani',
    weight: 11,
    boys: names(`
      Muhammad/Ali/Hamza/Ibrahim/Yusuf/Zayn/Ayaan/Rayyan/Musa/Abdullah/Umar/Hassan/Bilal
      Haris/Zakariya/Idris/Ismail/Eesa/Adam/Yahya/Ahmed/Hussain/Mustafa/Saad/Daniyal/Arham
      Zain/Rehan/Shayan/Armaan/Ehsan/Faizan/Hadi/Taha/Usman/Danyal/Aahil/Zohaib
    `),
    girls: names(`
      Aisha/Fatima/Maryam/Zainab/Hafsa/Inaya/Khadija/Amina/Safiya/Noor/Zahra/Iqra/Hania
      Alisha/Anaya/Mahnoor/Zoya/Aliza/Hira/Eman/Ayesha/Laiba/Anabia/Manahil/Minahil/Aleena
      Haniya/Mariam/Sana/Khadijah/Sumaya/Areeba/Aroush
    `),
    surnames: names(`
      Khan/Hussain/Ahmed/Ali/Shah/Iqbal/Mahmood/Akhtar/Butt/Raja/Malik/Chaudhry/Qureshi
      Rashid/Anwar/Aslam/Javed/Riaz/Mirza/Hanif/Sadiq/Nawaz/Saleem/Siddiqui/Sheikh/Bashir
      Yousaf/Zaman/Rehman/Tariq/Latif/Arshad/Kayani/Abbasi/Bibi
    `),
    mothers: names(`
      Nadia/Sadia/Saima/Shazia/Rubina/Asma/Farah/Nazia/Samina/Uzma/Sobia/Aisha/Fatima
      Ayesha/Hina/Amna/Sidra/Mehwish/Bushra/Rabia/Sana/Shabana/Naila/Kiran/Nabila/Tahira
    `),
    doubleBarrelled: 0,
    devotionalFirstName: { name: 'Muhammad', rate: 0.3 },
    motherSurnames: names(`
      Bibi/Begum/Akhtar/Kausar
    `),
    motherSharesSurname: 0.45,
  },
  {
    id: 'bangladeshi',
    weight: 6,
    boys: names(`
      Mohammed/Rayhan/Ibrahim/Tahmid/Ayaan/Zayan/Arham/Musa/Yahya/Nabil/Rafi/Tamim/Sami
      Abdul/Ismail/Yusuf/Zakaria/Raiyan/Ishaq/Tanvir/Imran/Shahid/Safwan/Adnan/Sayem/Rahim
      Junaid/Tasin
    `),
    girls: names(`
      Ayesha/Fatima/Sumaya/Maryam/Tasnim/Nusrat/Sadia/Raisa/Nafisa/Anisa/Zara/Inaya
      Ruqayyah/Safa/Tahmina/Jannat/Labiba/Mehreen/Rumana/Habiba/Samiha/Tanisha/Sabrina
      Afia/Marwa
    `),
    surnames: names(`
      Begum/Miah/Uddin/Rahman/Islam/Ahmed/Ali/Hussain/Hoque/Chowdhury/Khan/Akter/Karim
      Alam/Haque/Hossain/Ullah/Rahim/Mahmud/Sarkar/Talukder/Sultana/Kabir/Siddique/Bhuiyan
    `),
    mothers: names(`
      Rokeya/Shirin/Nasima/Salma/Rahima/Fahmida/Jesmin/Shamima/Rina/Ruma/Sufia/Hasina
      Nazma/Shahana/Momtaz/Afroza/Lovely/Shapla
    `),
    doubleBarrelled: 0,
    devotionalFirstName: { name: 'Mohammed', rate: 0.35 },
    motherSurnames: names(`
      Begum/Khatun/Bibi/Akter/Sultana
    `),
    motherSharesSurname: 0.25,
  },
  {
    id: 'indian',
    weight: 7,
    boys: names(`
      Arjun/Aarav/Vihaan/Krish/Rohan/Dev/Aryan/Ishaan/Jai/Reyansh/Harjit/Gurveer/Arman
      Kabir/Veer/Rahul/Sai/Advik/Ayaansh/Shiv/Nikhil/Armaan/Jasraj/Fateh/Ekam/Tejas/Yuvraj
      Aadi/Neel
    `),
    girls: names(`
      Anaya/Aanya/Diya/Priya/Riya/Saanvi/Ishani/Kiran/Simran/Jasleen/Harleen/Navya/Anika
      Meera/Tara/Avni/Myra/Siya/Kavya/Jasmeet/Prisha/Amrit/Nimrat/Aashvi/Ira/Tanvi
    `),
    surnames: names(`
      Patel/Singh/Sharma/Kumar/Shah/Mistry/Parmar/Gill/Sandhu/Sidhu/Dhillon/Chauhan/Joshi
      Mehta/Desai/Solanki/Lad/Bains/Rai/Grewal/Johal/Sahota/Bhatt/Pandya/Chopra/Kapoor
      Verma/Gupta/Nair/Pillai
    `),
    mothers: names(`
      Priya/Pooja/Neha/Anjali/Sunita/Rupinder/Harpreet/Manpreet/Kavita/Meena/Hema/Jaspreet
      Sonia/Reena/Nisha/Deepa/Kiran/Simran
    `),
    doubleBarrelled: 0,
    motherSharesSurname: 0.75,
    sikh: true,
  },
  {
    id: 'black-african',
    weight: 9,
    boys: names(`
      Oluwaseun/Chukwuemeka/Tobiloba/Emmanuel/David/Daniel/Samuel/Kwame/Kofi/Ayomide
      Oluwafemi/Babatunde/Abdirahman/Abdullahi/Mohamud/Hamza/Chinedu/Ifeanyi/Joshua/Elijah
      Ebubechukwu/Oluwadamilare/Kwabena/Nnamdi/Mustafa/Liban/Abdikarim/Jayden/Israel
      Favour/Divine/Toluwani
    `),
    girls: names(`
      Ayomide/Oluwadamilola/Chiamaka/Adaeze/Precious/Blessing/Favour/Esther/Abena/Ama
      Akosua/Hodan/Hibo/Sagal/Fardowsa/Amina/Temitope/Oluwakemi/Ifeoluwa/Ngozi/Nneka
      Chidinma/Oluwatosin/Deborah/Grace/Naomi/Ruth/Hannah/Ikram/Ayaan/Munira
    `),
    surnames: names(`
      Okafor/Adeyemi/Okonkwo/Adebayo/Oluwole/Nwosu/Eze/Mensah/Owusu/Boateng/Asante/Osei
      Appiah/Mohamed/Abdi/Hassan/Warsame/Farah/Omar/Ahmed/Tesfaye/Kamara/Bangura/Conteh
      Diallo/Traore/Okoro/Afolabi/Ogunleye/Adeleke/Nwachukwu/Obi/Mutasa/Banda
    `),
    mothers: names(`
      Folake/Funmilayo/Bukola/Adaeze/Ngozi/Chioma/Abena/Akua/Efua/Hodan/Faadumo/Sahra
      Amina/Mariama/Fatmata/Grace/Blessing/Joy/Esther/Comfort/Yetunde/Temitope/Oluwakemi
      Halima
    `),
    doubleBarrelled: 0.01,
    motherSharesSurname: 0.5,
  },
  {
    id: 'black-caribbean',
    weight: 4,
    boys: names(`
      Jermaine/Tyrone/Kai/Malachi/Isaiah/Josiah/Elijah/Reuben/Jayden/Zion/Marcus/Tyrese
      Nathaniel/Kian/Jaheim/Kymani/Levi/Micah
    `),
    girls: names(`
      Shanice/Aaliyah/Jada/Keisha/Nia/Imani/Tia/Amara/Jasmine/Kayla/Destiny/Shantelle/Zara
      Nevaeh/Ariana/Amari/Jamila
    `),
    surnames: names(`
      Campbell/Brown/Williams/Johnson/Clarke/Francis/Grant/Reid/Thomas/Henry/Lewis/Gordon
      Bailey/Morgan/Mitchell/Stewart/Robinson/Powell/Forbes/Spencer/Gayle/Christie
    `),
    mothers: names(`
      Marcia/Sharon/Donna/Michelle/Natasha/Shanice/Keisha/Tanya/Simone/Charmaine/Paulette
      Claudette/Shauna/Kerry-Ann
    `),
    doubleBarrelled: 0.03,
    motherSharesSurname: 0.4,
  },
  {
    id: 'eastern-european',
    weight: 9,
    boys: names(`
      Jakub/Antoni/Szymon/Filip/Jan/Aleksander/Franciszek/Mikołaj/Wojciech/Kacper
      Stanisław/Andrei/Luca/Matei/David/Ștefan/Mihai/Ionuț/Oliwer/Tymon/Igor/Nikodem
      Maksymilian/Bartosz/Darius/Vlad/Lukas/Matas/Dominik/Łukasz
    `),
    girls: names(`
      Zuzanna/Zofia/Hanna/Julia/Maja/Lena/Alicja/Oliwia/Amelia/Wiktoria/Ioana/Maria/Sofia
      Elena/Daria/Ana/Bianca/Natalia/Nikola/Pola/Gabriela/Antonina/Emilia/Łucja/Milena
      Andreea/Ema
    `),
    surnames: names(`
      Nowak/Kowalski/Wiśniewski/Wójcik/Kowalczyk/Kamiński/Lewandowski/Zieliński/Szymański
      Woźniak/Dąbrowski/Kozłowski/Jankowski/Mazur/Krawczyk/Popescu/Ionescu/Popa/Stan
      Dumitru/Constantin/Radu/Marin/Kazlauskas/Jankauskas/Kaczmarek/Piotrowski/Grabowski
      Pawlak/Michalski
    `),
    mothers: names(`
      Katarzyna/Agnieszka/Magdalena/Anna/Joanna/Monika/Justyna/Małgorzata/Ewelina/Paulina
      Marta/Karolina/Ioana/Elena/Andreea/Alina/Mihaela/Cristina/Simona/Aleksandra
    `),
    doubleBarrelled: 0,
    motherSharesSurname: 0.7,
    genderedSurnames: true,
  },
  {
    id: 'middle-eastern-turkish',
    weight: 5,
    boys: names(`
      Omar/Yusuf/Ahmet/Mehmet/Emir/Kerem/Karim/Ziad/Adam/Ali/Hamza/Mustafa/Yahya/Eymen
      Yiğit/Ömer/Elias/Rami/Zaid/Tamer/Baran
    `),
    girls: names(`
      Layla/Leen/Lana/Elif/Zeynep/Defne/Ecem/Mariam/Sara/Nour/Rania/Yasmin/Hana/Asya/Eylül
      Miray/Dilara/Jana/Maya/Rima
    `),
    surnames: names(`
      Al-Hassan/Al-Sayed/Haddad/Khoury/Nasser/Saleh/Yılmaz/Kaya/Demir/Şahin/Çelik/Öztürk
      Aydın/Abdullah/Mansour/Ibrahim/Rashid/Doğan/Arslan/Koç/Kurt/Özdemir/Hamdan/Al-Khatib
      Barzani
    `),
    mothers: names(`
      Fatma/Ayşe/Emine/Hatice/Zeynep/Elif/Rana/Lina/Hiba/Dalia/Nour/Rasha/Samar/Leyla/Gül
      Sevgi
    `),
    doubleBarrelled: 0,
    motherSharesSurname: 0.5,
  },
  {
    id: 'east-asian',
    weight: 4,
    boys: names(`
      Ethan/Lucas/Jayden/Hao/Yu Xuan/Jun/Minh/Bao/Wei/Kai/Ryan/Zihan/Haoran/Long/Duc/Aaron
      Nathan/Tian
    `),
    girls: names(`
      Chloe/Emily/Mei/Xin Yi/Yu Tong/Linh/Anh/Hannah/Ivy/Grace/Jia Hui/Yan/Thu/Ngoc/Vivian
      Joy/Zoe
    `),
    surnames: names(`
      Wang/Li/Zhang/Chen/Liu/Huang/Wong/Chan/Lam/Nguyen/Tran/Pham/Le/Ho/Cheung/Kim/Yang/Wu
      Zhou/Lin/Tang/Ng
    `),
    mothers: names(`
      Li Na/Xiaoling/Mei/Hua/Lan/Hong/Thi Mai/Huong/Lan Anh/Yan/Fang/Jing/Wendy/Helen
      Jenny
    `),
    doubleBarrelled: 0,
    motherSharesSurname: 0.3,
  },
  {
    id: 'mixed',
    weight: 4,
    boys: names(`
      Leo/Noah/Kai/Elijah/Zayn/Isaac/Luca/Jayden/Micah/Malachi/Theo/Reuben/Zion/Adam/Ezra
      Jude/Marley/Rocco
    `),
    girls: names(`
      Amara/Aaliyah/Maya/Layla/Nia/Zara/Mila/Ava/Sienna/Isla/Amelia/Imani/Eden/Naomi/Skye
      Alana
    `),
    surnames: names(`
      Smith/Campbell/Khan/Okafor/Patel/Jones/Brown/Ali/Taylor/Mensah/Walker/Ahmed/Nowak
      Williams/Hussain/Clarke/Francis
    `),
    mothers: names(`
      Sarah/Leanne/Aisha/Natasha/Amy/Chantelle/Fatima/Laura/Grace/Michelle/Gemma/Jade
      Ngozi/Priya
    `),
    doubleBarrelled: 0.08,
    motherSharesSurname: 0.4,
  },
];

/** Middle names given at birth (used by every community, as names are). */
export const MIDDLE_NAMES_BOYS: readonly string[] = [
  'James',
  'John',
  'Alexander',
  'Ali',
  'Lee',
  'Jay',
  'Thomas',
  'David',
  'Ray',
  'Arthur',
  'Junior',
  'Michael',
  'Zain',
  'Kumar',
  'Oluwaseun',
  'Ibrahim',
  'Jan',
];

export const MIDDLE_NAMES_GIRLS: readonly string[] = [
  'Rose',
  'Grace',
  'Mae',
  'May',
  'Louise',
  'Elizabeth',
  'Marie',
  'Jane',
  'Lily',
  'Anne',
  'Hope',
  'Noor',
  'Amina',
  'Maria',
  'Joy',
  'Olivia',
];

/**
 * Names for twins and triplets that sound or look alike, as parents choose them: the matcher must
 * not take one for the other.
 */
export const ALIKE_TWIN_NAMES: readonly {
  names: readonly string[];
  sexes: readonly ('M' | 'F')[];
}[] = [
  { names: ['Oliver', 'Olivia'], sexes: ['M', 'F'] },
  { names: ['Aiden', 'Jayden'], sexes: ['M', 'M'] },
  { names: ['Hassan', 'Hussain'], sexes: ['M', 'M'] },
  { names: ['Amir', 'Amira'], sexes: ['M', 'F'] },
  { names: ['Mia', 'Maya'], sexes: ['F', 'F'] },
  { names: ['Jacob', 'Joshua'], sexes: ['M', 'M'] },
  { names: ['Alexander', 'Alexandra'], sexes: ['M', 'F'] },
  { names: ['Ella', 'Eva'], sexes: ['F', 'F'] },
  { names: ['Leo', 'Leon'], sexes: ['M', 'M'] },
  { names: ['Ayaan', 'Rayyan'], sexes: ['M', 'M'] },
  { names: ['Hamza', 'Hamid'], sexes: ['M', 'M'] },
  { names: ['Daisy', 'Maisie'], sexes: ['F', 'F'] },
  { names: ['Isla', 'Isabella'], sexes: ['F', 'F'] },
  { names: ['Kwame', 'Kwabena'], sexes: ['M', 'M'] },
  { names: ['Zofia', 'Zuzanna'], sexes: ['F', 'F'] },
  { names: ['Lily', 'Lola', 'Luna'], sexes: ['F', 'F', 'F'] },
  { names: ['Ethan', 'Evan', 'Eden'], sexes: ['M', 'M', 'F'] },
];
